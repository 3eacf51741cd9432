using System.Globalization;
using System.Resources;

namespace CstPortal.Common;

/// <summary>
/// The app's resources (Resources/SharedResource.*.resx) for code that is not a component: messages that services
/// return in a <see cref="Result"/>, notification and export texts. Pages use <c>IStringLocalizer</c> on the same file.
/// A key is the English text; a missing key comes back as itself.
/// </summary>
public static class Texts
{
    private static readonly ResourceManager Resources = new("CstPortal.Resources.SharedResource", typeof(SharedResource).Assembly);

    /// <summary>The text in the current UI culture, its {0} placeholders formatted in the current culture.</summary>
    public static string Get(string key, params object?[] args) => Format(CultureInfo.CurrentCulture, Resources.GetString(key) ?? key, args);

    /// <summary>The text in a given language (for a recipient who is not the current user).</summary>
    public static string In(string culture, string key, params object?[] args)
    {
        var target = Cultures.Get(culture);
        return Format(target, Resources.GetString(key, target) ?? key, args);
    }

    private static string Format(CultureInfo culture, string text, object?[] args) =>
        args.Length == 0 ? text : string.Format(culture, text, args);
}
