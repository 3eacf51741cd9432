using System.Net;
using CstPortal.Data;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Security;

/// <summary>
/// A form post without a valid antiforgery token (a cross-site form, a replayed or tampered token) is refused
/// with a plain 400 and a generic page: no stack trace, no sign-in, no account made, nothing changed.
/// </summary>
public class AntiforgeryTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    public static TheoryData<string, string> Posts() => new()
    {
        { "/Account/Login", "missing" },
        { "/Account/Login", "forged" },
        { "/Account/Login", "from another session" },
        { "/Account/Register", "missing" },
        { "/Account/Register", "forged" },
        { "/Account/Logout", "missing" },
        { "/report", "missing" },
        { "/", "forged" },
    };

    [Theory]
    [MemberData(nameof(Posts))]
    public async Task A_form_post_without_a_valid_token_gets_a_clean_400_and_changes_nothing(string path, string token)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var email = $"forged-{Guid.NewGuid():N}@example.org";
        var fields = new Dictionary<string, string>
        {
            ["Input.Email"] = email, ["Input.Password"] = "a long enough passphrase for this test",
            ["Input.ConfirmPassword"] = "a long enough passphrase for this test", ["_handler"] = "login",
        };
        switch (token)
        {
            case "forged":
                fields["__RequestVerificationToken"] = "CfDJ8" + new string('A', 150);
                break;
            case "from another session":
                // A real token, but issued to another browser (its cookie pair is not this client's).
                var other = factory.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = true });
                fields["__RequestVerificationToken"] = HttpSignInForm.Hidden(await other.GetStringAsync("/Account/Login"))["__RequestVerificationToken"];
                await client.GetAsync("/Account/Login"); // this client has its own antiforgery cookie
                break;
        }
        // The app's jobs run meanwhile (SLA sweep, auto-assign), so "nothing changed" is what a form could change here.
        var before = await CountsAsync();

        using var response = await client.PostAsync(path, new FormUrlEncodedContent(fields));
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("text/html", response.Content.Headers.ContentType?.ToString());
        Assert.Contains("could not be accepted", body);
        Assert.DoesNotContain("Exception", body);
        Assert.DoesNotContain("   at ", body);
        Assert.False(response.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal)));
        Assert.Equal(before, await CountsAsync());
    }

    private async Task<(int Users, int Requests, int Comments, bool Forged)> CountsAsync()
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContextAsync();
        return (await db.Users.CountAsync(), await db.Requests.CountAsync(), await db.Comments.CountAsync(),
            await db.Users.AnyAsync(u => u.Email!.StartsWith("forged-")));
    }
}
