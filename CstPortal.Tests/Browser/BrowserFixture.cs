using CstPortal.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CstPortal.Tests.Browser;

/// <summary>The real app on 127.0.0.1 and Debian's Chromium driven by Playwright, shared by the browser tests.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private readonly CstAppFactory _app = new();
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

[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
