using System.Net;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Http;

/// <summary>How a language is chosen: the culture cookie, the signed-in user's stored choice, the browser; and what it changes.</summary>
public class LanguageHttpTests(LanguageHttpTests.App app) : IClassFixture<LanguageHttpTests.App>
{
    public sealed class App : CstAppFactory;

    /// <summary>A browser that chose Arabic: the cookie as the switch writes it (and as tests may set it).</summary>
    private HttpClient ArabicClient()
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", ".AspNetCore.Culture=c=ar|uic=ar");
        return client;
    }

    private HttpClient Client() => app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    [Fact]
    public async Task The_culture_cookie_turns_the_page_arabic_and_right_to_left()
    {
        var client = ArabicClient();

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/"));

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html);
        Assert.Contains("أبلغ عن مشكلة", html);   // "Report a problem"
        Assert.Contains(">English<", html);        // the switch offers the other language
    }

    [Fact]
    public async Task Without_a_choice_the_browser_language_decides_and_english_is_the_default()
    {
        var arabic = Client();
        arabic.DefaultRequestHeaders.AcceptLanguage.ParseAdd("ar-EG,ar;q=0.9");
        var other = Client();
        other.DefaultRequestHeaders.AcceptLanguage.ParseAdd("fr-FR");

        Assert.Contains("dir=\"rtl\"", await arabic.GetStringAsync("/"));
        var html = await other.GetStringAsync("/");
        Assert.Contains("<html lang=\"en\" dir=\"ltr\">", html);
        Assert.Contains("Report a problem", html);
    }

    [Fact]
    public async Task The_sign_in_and_account_pages_are_arabic_with_the_culture_cookie()
    {
        var client = ArabicClient();

        var login = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Login"));
        var forgot = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/ForgotPassword"));
        var lockout = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/Lockout"));

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", login);
        Assert.Contains(">البريد الإلكتروني</label>", login);   // "Email"
        Assert.Contains(">كلمة المرور</label>", login);        // "Password"
        Assert.Contains("هل نسيت كلمة المرور؟", login);         // "Forgot your password?"
        Assert.DoesNotContain(">Remember me", login);
        Assert.DoesNotContain("Log in", login);
        Assert.Contains("<h1>هل نسيت كلمة المرور؟</h1>", forgot);
        Assert.Contains("هذا الحساب مقفل.", lockout);          // "This account is locked."
    }

    [Fact]
    public async Task A_failed_sign_in_says_so_in_arabic()
    {
        var client = Client();
        var form = HttpSignInForm.Hidden(await client.GetStringAsync("/Account/Login"));
        await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["culture"] = "ar", ["returnUrl"] = "/Account/Login" }));
        var login = HttpSignInForm.Hidden(await client.GetStringAsync("/Account/Login"));

        var answer = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(new Dictionary<string, string>(login)
        {
            ["Input.Email"] = "nobody@riverton.example", ["Input.Password"] = "not-the-password",
        }));
        var html = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());

        Assert.Contains("alert-danger", html);
        Assert.Contains("خطأ: محاولة تسجيل دخول غير صالحة.", html); // "Error: Invalid login attempt."
    }

    [Fact]
    public async Task The_report_form_shows_the_translated_categories()
    {
        var client = ArabicClient();

        var html = WebUtility.HtmlDecode(await client.GetStringAsync("/report"));

        Assert.Contains("حفرة في الطريق", html);
        Assert.DoesNotContain(">Pothole<", html);
    }

    [Fact]
    public async Task The_switch_sets_the_cookie_and_returns_only_to_a_local_page()
    {
        var client = Client();
        var form = HttpSignInForm.Hidden(await client.GetStringAsync("/track"));

        var local = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["culture"] = "ar", ["returnUrl"] = "/track" }));
        var foreign = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["culture"] = "ar", ["returnUrl"] = "//evil.example/x" }));
        var unknown = await client.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["culture"] = "xx", ["returnUrl"] = "/" }));

        Assert.Equal(HttpStatusCode.Redirect, local.StatusCode);
        Assert.Equal("/track", local.Headers.Location!.OriginalString);
        Assert.Contains(local.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Culture=c%3Dar%7Cuic%3Dar"));
        Assert.Equal("/", foreign.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        Assert.Contains("dir=\"rtl\"", await client.GetStringAsync("/track"));
    }

    [Fact]
    public async Task A_signed_in_users_choice_is_remembered_on_another_device()
    {
        var laptop = await app.SignedInClientAsync("manager");
        var form = HttpSignInForm.Hidden(await laptop.GetStringAsync("/"));
        var chosen = await laptop.PostAsync("/culture", new FormUrlEncodedContent(new Dictionary<string, string>(form) { ["culture"] = "ar", ["returnUrl"] = "/" }));
        Assert.Equal(HttpStatusCode.Redirect, chosen.StatusCode);

        var phone = await app.SignedInClientAsync("manager"); // no culture cookie here
        var html = await phone.GetStringAsync("/");

        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", html);
        Assert.DoesNotContain("dir=\"rtl\"", await Client().GetStringAsync("/")); // a visitor is not affected
    }

    [Fact]
    public async Task The_reconnect_dialog_is_arabic_with_the_culture_cookie_and_keeps_the_seconds_counter()
    {
        var html = WebUtility.HtmlDecode(await ArabicClient().GetStringAsync("/"));
        var start = html.IndexOf("<dialog id=\"components-reconnect-modal\"", StringComparison.Ordinal);
        var dialog = html[start..html.IndexOf("</dialog>", start, StringComparison.Ordinal)];

        Assert.Contains("جارٍ إعادة الاتصال بالخادم...", dialog);                     // "Rejoining the server..."
        Assert.Matches("ستُعاد المحاولة خلال <span id=\"components-seconds-to-next-attempt\"[^>]*></span> ثانية\\.", dialog);
        Assert.Contains("إعادة المحاولة", dialog);                                      // "Retry"
        Assert.Contains("استئناف", dialog);                                            // "Resume"
        Assert.DoesNotContain("Rejoin", dialog);
        Assert.Contains("id=\"components-reconnect-button\"", dialog);                // the ids ReconnectModal.razor.js looks for
        Assert.Contains("id=\"components-resume-button\"", dialog);
    }

    [Fact]
    public async Task The_register_confirmation_page_is_arabic_and_the_same_whether_or_not_the_address_has_an_account()
    {
        var client = ArabicClient();

        var page = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/RegisterConfirmation?email=citizen%40riverton.example"));
        var unknown = WebUtility.HtmlDecode(await client.GetStringAsync("/Account/RegisterConfirmation?email=nobody%40example.org"));

        // The page every new citizen lands on: the link went out by email, and the page shows none.
        Assert.Contains("<html lang=\"ar\" dir=\"rtl\">", page);
        Assert.Matches("<h1[^>]*>تأكيد التسجيل</h1>", page);                             // "Register confirmation"
        Assert.Contains("يُرجى التحقق من بريدك الإلكتروني لتأكيد حسابك.", page);          // "Please check your email to confirm your account."
        Assert.DoesNotContain("Account/ConfirmEmail", page);
        Assert.DoesNotContain("Register confirmation", page);
        // An address without an account gets the same page: it tells no one who has an account.
        Assert.Equal(MainContent(page), MainContent(unknown));
    }

    /// <summary>The page's main content, without the per-answer antiforgery tokens and nonces around it.</summary>
    private static string MainContent(string html) => html[html.IndexOf("<h1", StringComparison.Ordinal)..html.IndexOf("</p>", html.IndexOf("<h1", StringComparison.Ordinal), StringComparison.Ordinal)];
}
