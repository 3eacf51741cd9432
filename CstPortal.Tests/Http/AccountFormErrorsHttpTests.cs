using System.Net;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using CstPortal.Data.DemoCity;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Http;

/// <summary>
/// The account pages' form errors are announced and tied to their fields, as a screen reader meets them: invalid forms
/// posted to the real app, and the returned page read for the attributes assistive technology uses. A field with a
/// message is <c>aria-invalid="true"</c> and its <c>aria-describedby</c> names an element holding that message; a
/// field without one is neither; the summary of all messages is inside a <c>role="alert"</c> element.
/// </summary>
public class AccountFormErrorsHttpTests(AccountFormErrorsHttpTests.App app) : IClassFixture<AccountFormErrorsHttpTests.App>
{
    public sealed class App : CstAppFactory;

    private HttpClient Client(string language = "en")
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        client.DefaultRequestHeaders.AcceptLanguage.ParseAdd(language);
        return client;
    }

    private async Task<HttpClient> SignedInAsync(string role)
    {
        var client = Client();
        var answer = await HttpSignInForm.PostAsync(client, "/Account/Login",
            new() { ["Input.Email"] = $"{role}@{DemoCityPlan.EmailDomain}", ["Input.Password"] = DemoCityPlan.DemoPassword });
        Assert.Equal(HttpStatusCode.Redirect, answer.StatusCode);
        return client;
    }

    /// <summary>Posts the form and returns the page that comes back: the same form with its messages (not a redirect).</summary>
    private static async Task<IDocument> PostInvalidAsync(HttpClient client, string url, Dictionary<string, string> input)
    {
        var answer = await HttpSignInForm.PostAsync(client, url, input);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        return new HtmlParser().ParseDocument(await answer.Content.ReadAsStringAsync());
    }

    /// <summary>
    /// Each named field says it is invalid and is described by an element holding its own message; every other field
    /// of the page says neither; every field message on the page belongs to a field; the summary is an alert with
    /// exactly these messages.
    /// </summary>
    private static void AssertErrorsTiedToFields(IDocument page, Dictionary<string, string> messages)
    {
        foreach (var (name, message) in messages)
        {
            var input = page.QuerySelector($"input[name='{name}']") ?? throw new Xunit.Sdk.XunitException($"No input {name}.");
            Assert.Equal("true", input.GetAttribute("aria-invalid"));
            var described = DescribedBy(page, input);
            Assert.Contains(described, e => e.TextContent.Trim() == message);
        }

        var invalid = page.QuerySelectorAll("[aria-invalid=true]").Select(e => e.GetAttribute("name")).ToList();
        Assert.Equal(messages.Keys.Order(), invalid.Order());

        // No message left unconnected: each one under a field is inside what an invalid field's aria-describedby names.
        var describing = page.QuerySelectorAll("[aria-invalid=true]").SelectMany(i => DescribedBy(page, i)).ToList();
        var fieldMessages = page.QuerySelectorAll(".validation-message").Where(m => m.Closest("[role=alert]") is null).ToList();
        Assert.Equal(messages.Count, fieldMessages.Count);
        Assert.All(fieldMessages, m => Assert.Contains(describing, d => d.Contains(m)));

        var summary = Assert.Single(page.QuerySelectorAll("ul.validation-errors"));
        Assert.NotNull(summary.Closest("[role=alert]"));
        Assert.Null(summary.GetAttribute("role")); // still a list, its items still list items
        Assert.Equal(messages.Values.Order(), summary.QuerySelectorAll("li").Select(li => li.TextContent.Trim()).Order());
    }

    /// <summary>The elements an input's aria-describedby names; each id must exist once on the page.</summary>
    private static List<IElement> DescribedBy(IDocument page, IElement input)
    {
        var ids = (input.GetAttribute("aria-describedby") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(ids);
        return [.. ids.Select(id => Assert.Single(page.All, e => e.Id == id))];
    }

    [Fact]
    public async Task Registering_with_a_bad_email_and_a_short_password_ties_each_message_to_its_field()
    {
        var page = await PostInvalidAsync(Client(), "/Account/Register", new()
        {
            ["Input.Email"] = "not-an-address", ["Input.Password"] = "short", ["Input.ConfirmPassword"] = "other",
        });

        AssertErrorsTiedToFields(page, new()
        {
            ["Input.Email"] = "The Email field is not a valid email address.",
            ["Input.Password"] = "The Password must be at least 8 and at most 256 characters long.",
            ["Input.ConfirmPassword"] = "The password and confirmation password do not match.",
        });
    }

    [Fact]
    public async Task Registering_in_arabic_ties_the_arabic_messages_to_their_fields()
    {
        var page = await PostInvalidAsync(Client("ar"), "/Account/Register", new()
        {
            ["Input.Email"] = "not-an-address", ["Input.Password"] = "short", ["Input.ConfirmPassword"] = "other",
        });

        Assert.Equal("rtl", page.DocumentElement.GetAttribute("dir"));
        AssertErrorsTiedToFields(page, new()
        {
            ["Input.Email"] = "حقل البريد الإلكتروني لا يحتوي على عنوان بريد إلكتروني صالح.",
            ["Input.Password"] = "يجب أن يتراوح طول كلمة المرور بين 8 و256 من الأحرف.",
            ["Input.ConfirmPassword"] = "كلمة المرور وتأكيدها غير متطابقين.",
        });
    }

    [Fact]
    public async Task Logging_in_with_empty_fields_ties_each_required_message_to_its_field()
    {
        var page = await PostInvalidAsync(Client(), "/Account/Login", new() { ["Input.Email"] = "", ["Input.Password"] = "" });

        AssertErrorsTiedToFields(page, new()
        {
            ["Input.Email"] = "The Email field is required.",
            ["Input.Password"] = "The Password field is required.",
        });
    }

    [Fact]
    public async Task Logging_in_without_a_password_marks_only_the_password_invalid()
    {
        var page = await PostInvalidAsync(Client(), "/Account/Login",
            new() { ["Input.Email"] = $"citizen@{DemoCityPlan.EmailDomain}", ["Input.Password"] = "" });

        AssertErrorsTiedToFields(page, new() { ["Input.Password"] = "The Password field is required." });
    }

    [Fact]
    public async Task Changing_the_password_with_a_different_confirmation_ties_the_message_to_the_confirmation()
    {
        var client = await SignedInAsync("agent");

        var page = await PostInvalidAsync(client, "/Account/Manage/ChangePassword", new()
        {
            ["Input.OldPassword"] = DemoCityPlan.DemoPassword, ["Input.NewPassword"] = "a-new-password-2026", ["Input.ConfirmPassword"] = "another-password-2026",
        });

        AssertErrorsTiedToFields(page, new() { ["Input.ConfirmPassword"] = "The new password and confirmation password do not match." });
    }

    public static TheoryData<string, string, string, string> OtherVisitorForms => new()
    {
        { "/Account/ForgotPassword", "Input.Email", "", "The Email field is required." },
        { "/Account/ResendEmailConfirmation", "Input.Email", "nobody", "The Email field is not a valid email address." },
        { "/Account/ResetPassword?code=Y29kZQ", "Input.Email", "", "The Email field is required." },
    };

    [Theory]
    [MemberData(nameof(OtherVisitorForms))]
    public async Task A_visitors_other_account_forms_tie_their_messages_to_their_fields(string url, string field, string value, string message)
    {
        var input = new Dictionary<string, string> { [field] = value };
        if (url.StartsWith("/Account/ResetPassword")) (input["Input.Password"], input["Input.ConfirmPassword"]) = ("long-enough-2026", "long-enough-2026");

        AssertErrorsTiedToFields(await PostInvalidAsync(Client(), url, input), new() { [field] = message });
    }

    public static TheoryData<string, string, string, string> OtherManageForms => new()
    {
        { "/Account/Manage", "Input.PhoneNumber", "not a phone", "The Phone number field is not a valid phone number." },
        { "/Account/Manage/Email", "Input.NewEmail", "not-an-address", "The New email field is not a valid email address." },
        { "/Account/Manage/EnableAuthenticator", "Input.Code", "123", "The Verification code must be at least 6 and at most 7 characters long." },
    };

    [Theory]
    [MemberData(nameof(OtherManageForms))]
    public async Task The_other_manage_forms_tie_their_messages_to_their_fields(string url, string field, string value, string message)
    {
        var client = await SignedInAsync("citizen");
        var input = new Dictionary<string, string> { [field] = value };
        if (url.EndsWith("/Email")) input["_handler"] = "change-email"; // the page's other form comes first

        AssertErrorsTiedToFields(await PostInvalidAsync(client, url, input), new() { [field] = message });
    }

    [Fact]
    public async Task A_form_before_its_submit_has_no_alert_and_no_invalid_field_but_its_fields_already_name_their_message_slot()
    {
        var page = new HtmlParser().ParseDocument(await Client().GetStringAsync("/Account/Register"));

        Assert.Empty(page.QuerySelectorAll("[role=alert]"));
        Assert.Empty(page.QuerySelectorAll("[aria-invalid=true]"));
        Assert.All(page.QuerySelectorAll("input[name^='Input.']"), input => Assert.Empty(DescribedBy(page, input).Single().TextContent.Trim()));
    }
}
