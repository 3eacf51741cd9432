using CstPortal.Tests.Infrastructure;

namespace CstPortal.Tests.Features.Cluster;

/// <summary>Behind nginx on the same machine: the app believes the proxy's X-Forwarded-Proto (deploy/nginx/cstportal.conf).</summary>
public sealed class ReverseProxyTests(CstAppFactory app) : IClassFixture<CstAppFactory>
{
    [Fact]
    public async Task Https_ended_at_a_loopback_proxy_makes_the_cookies_secure_and_plain_http_does_not()
    {
        var baseUrl = app.StartOnLoopback(); // real Kestrel: the connection comes from 127.0.0.1 like nginx's
        using var client = new HttpClient { BaseAddress = new Uri(baseUrl) };

        using var viaProxy = new HttpRequestMessage(HttpMethod.Get, "Account/Login");
        viaProxy.Headers.Add("X-Forwarded-Proto", "https");
        viaProxy.Headers.Add("X-Forwarded-For", "203.0.113.7");
        using var secure = await client.SendAsync(viaProxy);
        using var plain = await client.GetAsync("Account/Login");

        Assert.Contains(secure.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(plain.Headers.GetValues("Set-Cookie"), c => c.Contains("secure", StringComparison.OrdinalIgnoreCase));
    }
}
