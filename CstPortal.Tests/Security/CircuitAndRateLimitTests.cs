using System.Net;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CstPortal.Tests.Security;

/// <summary>The app with a sign-in budget of three posts a minute per address.</summary>
public sealed class TightLoginLimitAppFactory : CstAppFactory
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cst:LoginAttemptsPerMinute", "3");
    }
}

public class LoginRateLimitTests(TightLoginLimitAppFactory factory) : IClassFixture<TightLoginLimitAppFactory>
{
    [Fact]
    public async Task Sign_in_posts_over_the_budget_of_an_address_get_429_while_the_form_still_shows()
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var fields = HttpSignInForm.Hidden(await client.GetStringAsync("/Account/Login"));
        fields["Input.Email"] = "nobody@example.org";
        fields["Input.Password"] = "a wrong password";

        for (var i = 0; i < 3; i++)
        {
            using var allowed = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
            Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        }
        using var refused = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter is not null);
        Assert.Contains("Too many sign-in attempts", await refused.Content.ReadAsStringAsync());
        using var view = await client.GetAsync("/Account/Login");
        Assert.Equal(HttpStatusCode.OK, view.StatusCode);
    }
}

public class CircuitOptionsTests(CstAppFactory factory) : IClassFixture<CstAppFactory>
{
    [Fact]
    public void Circuit_limits_are_set_on_purpose()
    {
        var circuit = factory.Services.GetRequiredService<IOptions<CircuitOptions>>().Value;
        Assert.Equal(TimeSpan.FromMinutes(3), circuit.DisconnectedCircuitRetentionPeriod);
        Assert.Equal(100, circuit.DisconnectedCircuitMaxRetained);
        Assert.Equal(TimeSpan.FromSeconds(30), circuit.JSInteropDefaultCallTimeout);
        Assert.False(circuit.DetailedErrors); // tests run as Production

        // Blazor's hub type is internal: find it by name to read its options.
        var hub = typeof(CircuitOptions).Assembly.GetType("Microsoft.AspNetCore.Components.Server.ComponentHub", throwOnError: true)!;
        var optionsType = typeof(IOptions<>).MakeGenericType(typeof(HubOptions<>).MakeGenericType(hub));
        var hubOptions = (HubOptions)optionsType.GetProperty("Value")!.GetValue(factory.Services.GetRequiredService(optionsType))!;
        Assert.Equal(32 * 1024, hubOptions.MaximumReceiveMessageSize);
    }
}
