using System.Globalization;
using System.Security.Claims;
using CstPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Common;

/// <summary>
/// The languages of the portal and how one is chosen for a request: the standard culture cookie
/// (<c>.AspNetCore.Culture</c> = <c>c=ar|uic=ar</c>), then the signed-in user's stored preference
/// (a claim in the sign-in cookie), then the browser's Accept-Language; English otherwise.
/// </summary>
public static class Cultures
{
    public const string English = "en";
    public const string Arabic = "ar";
    public const string Default = English;
    /// <summary>The claim that carries <see cref="ApplicationUser.PreferredCulture"/> in the sign-in cookie.</summary>
    public const string ClaimType = "cst_culture";
    public static readonly IReadOnlyList<string> Supported = [English, Arabic];

    public static bool IsSupported(string? culture) => culture is not null && Supported.Contains(culture);

    /// <summary>The supported language closest to the current UI culture ("ar-EG" → "ar").</summary>
    public static string Current => Of(CultureInfo.CurrentUICulture);

    public static string Of(CultureInfo culture) =>
        IsSupported(culture.TwoLetterISOLanguageName) ? culture.TwoLetterISOLanguageName : Default;

    /// <summary>The culture for a stored preference, or the default for none or an unknown one.</summary>
    public static CultureInfo Get(string? culture) => CultureInfo.GetCultureInfo(IsSupported(culture) ? culture! : Default);

    public static bool IsRightToLeft => CultureInfo.CurrentUICulture.TextInfo.IsRightToLeft;

    /// <summary>A language's own name, shown on the switch in that language.</summary>
    public static string NativeName(string culture) => culture == Arabic ? "العربية" : "English";

    /// <summary>Runs <paramref name="work"/> with the UI culture (and formatting) of <paramref name="culture"/>.</summary>
    public static T With<T>(string? culture, Func<T> work)
    {
        var (ui, fmt) = (CultureInfo.CurrentUICulture, CultureInfo.CurrentCulture);
        var target = Get(culture);
        CultureInfo.CurrentUICulture = target;
        CultureInfo.CurrentCulture = target;
        try { return work(); }
        finally { CultureInfo.CurrentUICulture = ui; CultureInfo.CurrentCulture = fmt; }
    }

    public static RequestLocalizationOptions LocalizationOptions()
    {
        var options = new RequestLocalizationOptions { ApplyCurrentCultureToResponseHeaders = true }
            .SetDefaultCulture(Default).AddSupportedCultures([.. Supported]).AddSupportedUICultures([.. Supported]);
        options.RequestCultureProviders =
        [
            new CookieRequestCultureProvider(),
            new CustomRequestCultureProvider(http =>
                Task.FromResult(http.User.FindFirst(ClaimType)?.Value is { } c && IsSupported(c) ? new ProviderCultureResult(c) : null)),
            new AcceptLanguageHeaderRequestCultureProvider(),
        ];
        return options;
    }

    /// <summary>The cookie value the switch writes (and tests set): <c>c=ar|uic=ar</c>.</summary>
    public static string CookieValue(string culture) => CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(culture));

    /// <summary>
    /// POST /culture (form: culture, returnUrl): sets the culture cookie for a year, stores the choice for a signed-in
    /// user (and refreshes their sign-in cookie so it carries it), and goes back to a local page only.
    /// </summary>
    public static IEndpointRouteBuilder MapCultureSwitch(this IEndpointRouteBuilder app)
    {
        app.MapPost("/culture", async ([FromForm] string? culture, [FromForm] string? returnUrl, HttpContext http,
            IDbContextFactory<CstDbContext> dbFactory, CancellationToken ct) =>
        {
            if (!IsSupported(culture)) return Results.BadRequest("Unknown language.");
            var back = IsLocalUrl(returnUrl) ? returnUrl! : "/";

            http.Response.Cookies.Append(CookieRequestCultureProvider.DefaultCookieName, CookieValue(culture!), new CookieOptions
            {
                MaxAge = TimeSpan.FromDays(365), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true,
                Secure = http.Request.IsHttps, Path = "/",
            });
            if (http.User.FindFirstValue(ClaimTypes.NameIdentifier) is { } userId)
            {
                await using (var db = await dbFactory.CreateDbContextAsync(ct))
                    await db.Users.Where(u => u.Id == userId).ExecuteUpdateAsync(s => s.SetProperty(u => u.PreferredCulture, culture), ct);
                var signIn = http.RequestServices.GetRequiredService<SignInManager<ApplicationUser>>();
                if (await signIn.UserManager.FindByIdAsync(userId) is { } user) await signIn.RefreshSignInAsync(user);
            }
            return Results.LocalRedirect(back);
        }).ExcludeFromDescription(); // form fields: the antiforgery token is checked, as for every form of the app
        return app;
    }

    /// <summary>"/x" but not "//host" or "/\host": the checks of the framework's LocalRedirect, without throwing.</summary>
    public static bool IsLocalUrl(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'))
        && !url.Any(char.IsControl);
}
