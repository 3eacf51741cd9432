using System.Globalization;
using System.Text;

namespace CstPortal.Common;

/// <summary>
/// Makes a value a user typed safe to put in a log message: line breaks of every kind (CR, LF, NEL, U+2028/2029)
/// and other control characters are written as visible escapes, so a value cannot start a forged log line;
/// very long values are cut. Use it for every user-provided value the app logs: <c>LogSafe.Value(input.Email)</c>.
/// </summary>
public static class LogSafe
{
    public const int MaxLength = 200;

    public static string Value(string? text)
    {
        if (text is null) return "(null)";
        var builder = new StringBuilder(Math.Min(text.Length, MaxLength) + 8);
        foreach (var c in text)
        {
            if (builder.Length >= MaxLength) { builder.Append('…'); break; }
            switch (c)
            {
                case '\r': builder.Append("\\r"); break;
                case '\n': builder.Append("\\n"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c) || c is '\u2028' or '\u2029' || char.GetUnicodeCategory(c) == UnicodeCategory.Format)
                        builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    else builder.Append(c);
                    break;
            }
        }
        return builder.ToString();
    }
}
