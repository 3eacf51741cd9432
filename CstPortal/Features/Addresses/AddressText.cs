using System.Globalization;
using System.Text;

namespace CstPortal.Features.Addresses;

/// <summary>
/// How address text is compared: case, accents, punctuation and the usual street-type abbreviations do not matter, so
/// "12 elm ave." finds "12 Elm Avenue". Pure.
/// </summary>
public static class AddressText
{
    private static readonly Dictionary<string, string> StreetTypes = new()
    {
        ["st"] = "street", ["str"] = "street", ["rd"] = "road", ["ave"] = "avenue", ["av"] = "avenue", ["dr"] = "drive",
        ["ln"] = "lane", ["sq"] = "square", ["ter"] = "terrace", ["tce"] = "terrace", ["pde"] = "parade", ["cl"] = "close",
        ["blvd"] = "boulevard", ["pl"] = "place", ["ct"] = "court", ["hwy"] = "highway",
    };

    /// <summary>The search form of an address: lower case without accents, words of letters and digits separated by one space, street types spelled out.</summary>
    public static string Key(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return "";
        var plain = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            var category = CharUnicodeInfo.GetUnicodeCategory(c);
            if (category == UnicodeCategory.NonSpacingMark) continue;
            plain.Append(char.IsLetterOrDigit(c) ? char.ToLowerInvariant(c) : ' ');
        }
        return string.Join(' ', Words(plain.ToString()).Select(w => StreetTypes.GetValueOrDefault(w, w)));
    }

    /// <summary>The words of a query in search form, at most <paramref name="max"/> of them; a citizen types them in any order.</summary>
    public static IReadOnlyList<string> QueryWords(string? query, int max = 6) =>
        Key(query).Split(' ', StringSplitOptions.RemoveEmptyEntries).Distinct().Take(max).ToList();

    private static IEnumerable<string> Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries);
}
