using System.Net;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Admin;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CstPortal.Tests.Security;

/// <summary>
/// The app with a clock of the test's own for the sign-in cookie's security-stamp check only, so a test moves past the
/// check interval instead of waiting for it.
/// </summary>
public sealed class StampClockAppFactory : CstAppFactory
{
    public FakeTimeProvider StampClock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.Configure<SecurityStampValidatorOptions>(o => o.TimeProvider = StampClock));
    }
}

/// <summary>A user an administrator disables loses access: at the sign-in form at once, with a signed-in cookie at the next stamp check.</summary>
public class DisabledUserTests(StampClockAppFactory factory) : IClassFixture<StampClockAppFactory>
{
    private HttpClient NewClient() => factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    private static async Task<HttpResponseMessage> LogInAsync(HttpClient client, string who)
    {
        var fields = HttpSignInForm.Hidden(await client.GetStringAsync("/Account/Login"));
        fields["Input.Email"] = $"{who}@{DemoCityPlan.EmailDomain}";
        fields["Input.Password"] = DemoCityPlan.DemoPassword;
        return await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
    }

    private async Task<string> UserIdAsync(string who)
    {
        await using var scope = factory.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        return (await users.FindByEmailAsync($"{who}@{DemoCityPlan.EmailDomain}"))!.Id;
    }

    private async Task<Actor> AdminAsync() => new(await UserIdAsync("admin"), "Ali Admin", new HashSet<string> { Roles.Admin });

    private static bool SentToSignIn(HttpResponseMessage response) =>
        response.StatusCode == HttpStatusCode.Redirect && response.Headers.Location!.OriginalString.Contains("/Account/Login?ReturnUrl", StringComparison.OrdinalIgnoreCase);

    [Fact]
    public async Task A_disabled_user_is_sent_to_the_locked_page_at_sign_in_and_signs_in_again_once_enabled()
    {
        var admin = factory.Services.GetRequiredService<AdminService>();
        var agent = await UserIdAsync("agent");
        Assert.True((await admin.DisableUserAsync(agent, await AdminAsync())).Succeeded);

        using var refused = await LogInAsync(NewClient(), "agent");

        Assert.Equal(HttpStatusCode.Redirect, refused.StatusCode);
        Assert.Contains("Account/Lockout", refused.Headers.Location!.OriginalString);
        Assert.DoesNotContain(refused.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".AspNetCore.Identity.Application=", StringComparison.Ordinal));
        var page = WebUtility.HtmlDecode(await NewClient().GetStringAsync("/Account/Lockout"));
        Assert.Contains("an account an administrator has disabled stays locked until an administrator enables it again", page);

        Assert.True((await admin.EnableUserAsync(agent, await AdminAsync())).Succeeded);
        using var allowed = await LogInAsync(NewClient(), "agent");

        Assert.Equal(HttpStatusCode.Redirect, allowed.StatusCode);
        Assert.DoesNotContain("Lockout", allowed.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task A_signed_in_user_who_is_disabled_is_refused_at_the_next_security_stamp_check()
    {
        var interval = factory.Services.GetRequiredService<IOptions<SecurityStampValidatorOptions>>().Value.ValidationInterval;
        Assert.Equal(TimeSpan.FromMinutes(1), interval); // Program.cs; the circuit revalidates on the same interval
        var client = await factory.SignedInClientAsync("dispatcher");
        factory.StampClock.SetUtcNow(DateTimeOffset.UtcNow); // the check's clock: just after this sign-in
        using (var before = await client.GetAsync("/staff/triage")) Assert.Equal(HttpStatusCode.OK, before.StatusCode);

        Assert.True((await factory.Services.GetRequiredService<AdminService>().DisableUserAsync(await UserIdAsync("dispatcher"), await AdminAsync())).Succeeded);

        // Within the interval the cookie is not checked: that is the window the interval allows.
        using (var within = await client.GetAsync("/staff/triage")) Assert.Equal(HttpStatusCode.OK, within.StatusCode);
        factory.StampClock.Advance(interval + TimeSpan.FromSeconds(1));
        using var after = await client.GetAsync("/staff/triage");

        Assert.True(SentToSignIn(after), $"{after.StatusCode} {after.Headers.Location}");
        using var again = await client.GetAsync("/staff/triage"); // the rejected cookie was also cleared
        Assert.True(SentToSignIn(again), $"{again.StatusCode} {again.Headers.Location}");
    }
}
