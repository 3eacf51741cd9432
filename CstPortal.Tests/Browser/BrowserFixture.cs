using CstPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CstPortal.Tests.Browser;

/// <summary>The real app on 127.0.0.1 and Debian's Chromium driven by Playwright, shared by the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly CstAppFactory _app = new BrowserAppFactory();
    private IPlaywright? _playwright;

    public IBrowser Browser { get; private set; } = default!;
    /// <summary>The running app's services, to arrange data through the app's own feature services.</summary>
    public IServiceProvider AppServices => _app.Services;
    public string BaseUrl { get; private set; } = "";

    public async Task InitializeAsync()
    {
        BaseUrl = _app.StartOnLoopback();
        _playwright = await Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
    }

    public Task<IPage> NewPageAsync(int width = 1280, int height = 900) =>
        Chromium.NewPageAsync(Browser, new BrowserNewContextOptions { BaseURL = BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });

    public async Task DisposeAsync()
    {
        await Browser.CloseAsync();
        _playwright?.Dispose();
        await _app.DisposeAsync();
    }
}

/// <summary>
/// Every browser test signs in from 127.0.0.1, about thirty times in a run of the collection; the production budget of
/// sign-in posts per address per minute (20) would answer some of them 429. The limit itself is tested in
/// Security/CircuitAndRateLimitTests with a budget of 3.
/// </summary>
internal sealed class BrowserAppFactory : CstAppFactory
{
    protected override void ConfigureWebHost(Microsoft.AspNetCore.Hosting.IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Cst:LoginAttemptsPerMinute", "1000");
    }
}

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
