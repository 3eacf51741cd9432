using System.Net;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Http;

/// <summary>
/// The account pages from Identity's template in Arabic: their text, their forms' validation messages, and the status
/// messages they show after a redirect (still red for an error, though no longer worded in English).
/// </summary>
public class AccountLanguageHttpTests(AccountLanguageHttpTests.App app) : IClassFixture<AccountLanguageHttpTests.App>
{
    public sealed class App : CstAppFactory;

    private const string RightToLeft = "<html lang=\"ar\" dir=\"rtl\">";

    /// <summary>A browser that asks for Arabic (the demo users have no stored choice, so this decides), with cookies.</summary>
    private HttpClient Client(string language = "ar")
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private async Task<HttpClient> SignedInAsync(string email, string password = DemoCityPlan.DemoPassword)
    {
        var client = Client();
        var answer = await HttpSignInForm.PostAsync(client, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return client;
    }

    private static async Task<string> PageAsync(HttpClient client, string url) => WebUtility.HtmlDecode(await client.GetStringAsync(url));

    private static async Task<string> TextAsync(HttpResponseMessage answer) => WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());

    /// <summary>Follows one redirect, as a browser would, and returns the page it leads to.</summary>
    private static async Task<string> FollowAsync(HttpClient client, HttpResponseMessage answer)
    {
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return await PageAsync(client, answer.Headers.Location!.OriginalString);
    }

    private static void AssertAlert(string html, string kind, string text) =>
        Assert.Matches($"<div class=\"alert alert-{kind}\" role=\"alert\">\\s*{System.Text.RegularExpressions.Regex.Escape(text)}\\s*</div>", html);

    [Fact]
    public async Task The_two_factor_passkey_and_external_login_pages_are_arabic_and_right_to_left()
    {
        var client = await SignedInAsync($"citizen@{DemoCityPlan.EmailDomain}");

        var twoFactor = await PageAsync(client, "/Account/Manage/TwoFactorAuthentication");
        var authenticator = await PageAsync(client, "/Account/Manage/EnableAuthenticator");
        var reset = await PageAsync(client, "/Account/Manage/ResetAuthenticator");
        var passkeys = await PageAsync(client, "/Account/Manage/Passkeys");
        var external = await PageAsync(client, "/Account/Manage/ExternalLogins");

        Assert.All([twoFactor, authenticator, reset, passkeys, external], html => Assert.Contains(RightToLeft, html));

        Assert.Contains("<h3>المصادقة الثنائية (2FA)</h3>", twoFactor);            // "Two-factor authentication (2FA)"
        Assert.Contains("<h4>تطبيق المصادقة</h4>", twoFactor);                    // "Authenticator app"
        Assert.Contains(">إضافة تطبيق مصادقة</a>", twoFactor);                    // "Add authenticator app"
        Assert.DoesNotContain("Authenticator app", twoFactor, StringComparison.OrdinalIgnoreCase);

        Assert.Contains("<h3>إعداد تطبيق المصادقة</h3>", authenticator);           // "Configure authenticator app"
        Assert.Contains("أدخل هذا المفتاح في تطبيق المصادقة الثنائية.", authenticator);
        Assert.Contains(">رمز التحقق</label>", authenticator);                    // "Verification code"
        Assert.Contains(">تحقّق</button>", authenticator);                         // "Verify"
        Assert.DoesNotContain("Verification code", authenticator, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("go through the following steps", authenticator);

        Assert.Contains("<h3>إعادة تعيين مفتاح المصادقة</h3>", reset);             // "Reset authenticator key"
        Assert.DoesNotContain("reconfigure", reset);

        Assert.Contains("<h3>إدارة مفاتيح المرور</h3>", passkeys);                 // "Manage your passkeys"
        Assert.Contains("لا توجد مفاتيح مرور مسجّلة.", passkeys);                  // "No passkeys are registered."
        Assert.Contains(">إضافة مفتاح مرور جديد</button>", passkeys);              // "Add a new passkey"
        // The passkey script's own messages come from the page, in the reader's language.
        Assert.Contains("text-no-passkey=\"لم تقدّم أداة المصادقة أي مفتاح مرور.\"", passkeys);
        Assert.DoesNotContain("Add a new passkey", passkeys);
        Assert.DoesNotContain("No passkey was provided", passkeys);

        Assert.Contains("<h3>تسجيلات الدخول الخارجية</h3>", external);             // "External logins"
        Assert.Contains("لا توجد تسجيلات دخول خارجية مرتبطة بحسابك.", external);
    }

    [Fact]
    public async Task Signing_in_with_two_factor_authentication_is_arabic_and_says_a_wrong_code_in_arabic()
    {
        var (email, password) = await UserWithTwoFactorAsync();
        var client = Client();

        var signIn = await HttpSignInForm.PostAsync(client, "/Account/Login", new() { ["Input.Email"] = email, ["Input.Password"] = password });
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        var url = signIn.Headers.Location!.OriginalString;
        Assert.Contains("/Account/LoginWith2fa", url);
        var page = await PageAsync(client, url);
        var tooShort = await TextAsync(await HttpSignInForm.PostAsync(client, url, new() { ["Input.TwoFactorCode"] = "123" }));
        // Seven digits pass the form's length check but can never be a six-digit authenticator code.
        var wrong = await TextAsync(await HttpSignInForm.PostAsync(client, url, new() { ["Input.TwoFactorCode"] = "1234567" }));

        Assert.Contains(RightToLeft, page);
        Assert.Contains("<h1>المصادقة الثنائية</h1>", page);                       // "Two-factor authentication"
        Assert.Contains(">رمز المصادقة</label>", page);                            // "Authenticator code"
        Assert.Contains("تذكّر هذا الجهاز", page);                                 // "Remember this machine"
        Assert.Contains(">سجّل الدخول برمز استرداد</a>", page);                    // "Log in with a recovery code"
        Assert.DoesNotContain("Authenticator code", page);
        Assert.DoesNotContain("recovery code", page, StringComparison.OrdinalIgnoreCase);

        Assert.Contains("يجب أن يتراوح طول رمز المصادقة بين 6 و7 من الأحرف.", tooShort);
        Assert.DoesNotContain("must be at least", tooShort);
        AssertAlert(wrong, "danger", "خطأ: رمز المصادقة غير صالح.");              // "Error: Invalid authenticator code."
    }

    public static TheoryData<string, string, string, string> RegisterMessages => new()
    {
        { "ar", "حقل البريد الإلكتروني مطلوب.", "يجب أن يتراوح طول كلمة المرور بين 8 و256 من الأحرف.", "كلمة المرور وتأكيدها غير متطابقين." },
        { "en", "The Email field is required.", "The Password must be at least 8 and at most 256 characters long.", "The password and confirmation password do not match." },
    };

    [Theory]
    [MemberData(nameof(RegisterMessages))]
    public async Task The_registration_forms_validation_messages_are_in_the_readers_language(string language, string required, string length, string mismatch)
    {
        var client = Client(language);

        var answer = await HttpSignInForm.PostAsync(client, "/Account/Register", new()
        {
            ["Input.Email"] = "", ["Input.Password"] = "short", ["Input.ConfirmPassword"] = "other",
        });
        var html = await TextAsync(answer);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode); // the form again, nobody registered
        Assert.Contains($">{required}</div>", html);
        Assert.Contains($">{length}</div>", html);
        Assert.Contains($">{mismatch}</div>", html);
    }

    [Fact]
    public async Task The_change_password_forms_validation_messages_are_arabic()
    {
        var client = await SignedInAsync($"agent@{DemoCityPlan.EmailDomain}");

        var html = await TextAsync(await HttpSignInForm.PostAsync(client, "/Account/Manage/ChangePassword", new()
        {
            ["Input.OldPassword"] = "", ["Input.NewPassword"] = "short", ["Input.ConfirmPassword"] = "other",
        }));

        Assert.Contains(RightToLeft, html);
        Assert.Contains("حقل كلمة المرور الحالية مطلوب.", html);                              // "The Current password field is required."
        Assert.Contains("يجب أن يتراوح طول كلمة المرور الجديدة بين 8 و256 من الأحرف.", html);
        Assert.Contains("كلمة المرور الجديدة وتأكيدها غير متطابقين.", html);
        Assert.DoesNotContain("field is required", html);
        Assert.DoesNotContain("do not match", html);
    }

    [Fact]
    public async Task An_error_carried_over_a_redirect_is_arabic_and_still_shown_as_an_error()
    {
        var client = await SignedInAsync($"dispatcher@{DemoCityPlan.EmailDomain}");

        // Back from an external provider without its sign-in: the page redirects to itself with an error.
        var html = await FollowAsync(client, await client.GetAsync("/Account/Manage/ExternalLogins?Action=LinkLoginCallback"));

        AssertAlert(html, "danger", "خطأ: تعذّر تحميل معلومات تسجيل الدخول الخارجي."); // "Error: Could not load external login info."
        Assert.DoesNotContain("alert-success", html);
        // Shown once: the status cookie is spent.
        Assert.DoesNotContain("alert-danger", await PageAsync(client, "/Account/Manage/ExternalLogins"));
    }

    [Fact]
    public async Task A_visitors_error_carried_over_a_redirect_is_arabic_and_shown_as_an_error()
    {
        var client = Client();

        var html = await FollowAsync(client, await client.GetAsync("/Account/ConfirmEmailChange"));

        Assert.Contains(RightToLeft, html);
        AssertAlert(html, "danger", "خطأ: رابط تأكيد تغيير البريد الإلكتروني غير صالح."); // "Error: Invalid email change confirmation link."
    }

    [Fact]
    public async Task A_success_carried_over_a_redirect_is_arabic_and_shown_as_a_success()
    {
        var client = await SignedInAsync($"supervisor@{DemoCityPlan.EmailDomain}");

        var html = await FollowAsync(client, await HttpSignInForm.PostAsync(client, "/Account/Manage/ResetAuthenticator", new() { ["_handler"] = "reset-authenticator" }));

        AssertAlert(html, "success", "أُعيد تعيين مفتاح تطبيق المصادقة، وعليك إعداد تطبيق المصادقة من جديد باستخدام المفتاح الجديد.");
        Assert.DoesNotContain("alert-danger", html);
    }

    /// <summary>A new account with an authenticator set up and two-factor sign-in on, through Identity's own manager.</summary>
    private async Task<(string Email, string Password)> UserWithTwoFactorAsync()
    {
        const string password = "two-factor-test-2026";
        var email = $"two-factor-{Guid.NewGuid():N}@example.org";
        using var scope = app.Services.CreateScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = new ApplicationUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Two factor" };
        Assert.True((await users.CreateAsync(user, password)).Succeeded);
        Assert.True((await users.ResetAuthenticatorKeyAsync(user)).Succeeded);
        Assert.True((await users.SetTwoFactorEnabledAsync(user, true)).Succeeded);
        return (email, password);
    }
}
