using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Xml;

namespace CstPortal.Features.Open311;

/// <summary>An Open311 object: its XML element name and its fields, in the specification's order.</summary>
public sealed record O311Object(string Element, IReadOnlyList<KeyValuePair<string, object?>> Fields);

/// <summary>An Open311 list: the container element (e.g. services) and each item's element (service).</summary>
public sealed record O311List(string Element, string ItemElement, IReadOnlyList<object?> Items);

/// <summary>
/// Writes the same document as JSON (bare arrays, as the specification's examples) or XML (the
/// specification's element names). Datetimes are ISO 8601 with their offset; text is UTF-8.
/// </summary>
public static class Open311Document
{
    public const string Json = "json";
    public const string Xml = "xml";

    public static string ContentType(string format) => format == Xml ? "text/xml; charset=utf-8" : "application/json; charset=utf-8";

    public static string FormatTime(DateTime utc) =>
        new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc)).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

    public static O311Object Obj(string element, params (string Name, object? Value)[] fields) =>
        new(element, fields.Select(f => new KeyValuePair<string, object?>(f.Name, f.Value)).ToList());

    public static byte[] Write(object document, string format) => format == Xml ? WriteXml(document) : WriteJson(document);

    private static byte[] WriteJson(object document)
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            WriteJsonValue(w, document);
        return stream.ToArray();
    }

    private static void WriteJsonValue(Utf8JsonWriter w, object? value)
    {
        switch (value)
        {
            case null: w.WriteNullValue(); break;
            case O311Object o:
                w.WriteStartObject();
                foreach (var (name, v) in o.Fields)
                {
                    w.WritePropertyName(name);
                    WriteJsonValue(w, v);
                }
                w.WriteEndObject();
                break;
            case O311List l:
                w.WriteStartArray();
                foreach (var item in l.Items) WriteJsonValue(w, item);
                w.WriteEndArray();
                break;
            case string s: w.WriteStringValue(s); break;
            case bool b: w.WriteBooleanValue(b); break;
            case int i: w.WriteNumberValue(i); break;
            case long n: w.WriteNumberValue(n); break;
            case double d: w.WriteNumberValue(d); break;
            case DateTime t: w.WriteStringValue(FormatTime(t)); break;
            default: w.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private static byte[] WriteXml(object document)
    {
        using var stream = new MemoryStream();
        using (var w = XmlWriter.Create(stream, new XmlWriterSettings { Encoding = new UTF8Encoding(false), Indent = false }))
        {
            w.WriteStartDocument();
            switch (document)
            {
                case O311Object o: WriteXmlElement(w, o.Element, o); break;
                case O311List l: WriteXmlElement(w, l.Element, l); break;
                default: throw new ArgumentException("An Open311 document is an object or a list.", nameof(document));
            }
            w.WriteEndDocument();
        }
        return stream.ToArray();
    }

    /// <summary>
    /// Text as XML 1.0 can carry it: characters it cannot hold at all (most control characters, U+FFFE, lone
    /// surrogates), which a client can put in an id or a description, become U+FFFD instead of failing the answer.
    /// </summary>
    public static string XmlSafe(string text)
    {
        var firstBad = -1;
        for (var i = 0; i < text.Length && firstBad < 0; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) { i++; continue; }
            if (!XmlConvert.IsXmlChar(text[i])) firstBad = i;
        }
        if (firstBad < 0) return text;
        var b = new StringBuilder(text.Length).Append(text, 0, firstBad);
        for (var i = firstBad; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && XmlConvert.IsXmlSurrogatePair(text[i + 1], text[i])) { b.Append(text, i, 2); i++; }
            else b.Append(XmlConvert.IsXmlChar(text[i]) ? text[i] : '\uFFFD');
        }
        return b.ToString();
    }

    private static void WriteXmlElement(XmlWriter w, string name, object? value)
    {
        w.WriteStartElement(name);
        switch (value)
        {
            case null: break;
            case O311Object o:
                foreach (var (field, v) in o.Fields) WriteXmlElement(w, field, v);
                break;
            case O311List l:
                foreach (var item in l.Items) WriteXmlElement(w, item is O311Object io ? io.Element : l.ItemElement, item);
                break;
            case string s: w.WriteString(XmlSafe(s)); break;
            case bool b: w.WriteString(b ? "true" : "false"); break;
            case double d: w.WriteString(d.ToString("R", CultureInfo.InvariantCulture)); break;
            case DateTime t: w.WriteString(FormatTime(t)); break;
            default: w.WriteString(XmlSafe(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")); break;
        }
        w.WriteEndElement();
    }

    /// <summary>The specification's error document: errors/error with code and description.</summary>
    public static O311List Errors(int code, string description) =>
        new("errors", "error", [Obj("error", ("code", code), ("description", description))]);
}

/// <summary>An Open311 answer in the format the path asked for.</summary>
public sealed class Open311Result(object document, string format, int statusCode = StatusCodes.Status200OK) : IResult
{
    public object Document => document;
    public int StatusCode => statusCode;

    public static Open311Result Error(int code, string description, string format) =>
        new(Open311Document.Errors(code, description), format, code);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var body = Open311Document.Write(document, format);
        httpContext.Response.StatusCode = statusCode;
        httpContext.Response.ContentType = Open311Document.ContentType(format);
        httpContext.Response.ContentLength = body.Length;
        await httpContext.Response.Body.WriteAsync(body);
    }
}
