using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// Two CstPortal nodes on one PostgreSQL database with one shared data directory (keys, photos, mail), as the
/// scale-out runs them. In the test suite: two whole apps in this process on Kestrel (127.0.0.1, free ports) on a
/// throwaway database. Under scripts/cluster-proof.sh (CST_CLUSTER_URL = nginx, CST_CLUSTER_DATABASE): the proof's
/// two node processes behind nginx, reached by the cst_node cookie that pins a browser to a node; a third app in
/// this process (no Kestrel) on the same database arranges data through the feature services.
/// </summary>
public sealed class TwoNodeCluster : IAsyncLifetime
{
    private readonly List<NodeFactory> _apps = [];

    public string Database { get; private set; } = "";
    public string SharedDirectory { get; } = TestCity.NewTempDirectory();
    /// <summary>The base address and the cookie that reach node a / node b.</summary>
    public (string BaseUrl, Cookie? Cookie) NodeA { get; private set; }
    public (string BaseUrl, Cookie? Cookie) NodeB { get; private set; }
    /// <summary>The services of an app on the cluster's database, to arrange data and read results.</summary>
    public IServiceProvider Services => _apps[0].Services;
    /// <summary>The in-process nodes (empty under the proof script, whose nodes are processes of their own).</summary>
    public IReadOnlyList<NodeFactory> InProcessNodes => Proxy is null ? _apps : [];
    private static string? Proxy => Environment.GetEnvironmentVariable("CST_CLUSTER_URL") is { Length: > 0 } url ? url.TrimEnd('/') + "/" : null;

    public async Task InitializeAsync()
    {
        if (Proxy is { } proxy)
        {
            Database = Environment.GetEnvironmentVariable("CST_CLUSTER_DATABASE")
                ?? throw new InvalidOperationException("CST_CLUSTER_URL is set without CST_CLUSTER_DATABASE.");
            var arranger = new NodeFactory(Database, SharedDirectory, "tests-" + Environment.ProcessId);
            _apps.Add(arranger);
            _ = arranger.Services; // starts it: migrations are applied and the city seeded by the proof's nodes already
            var host = new Uri(proxy).Host;
            NodeA = (proxy, new Cookie { Name = "cst_node", Value = "a", Domain = host, Path = "/" });
            NodeB = (proxy, new Cookie { Name = "cst_node", Value = "b", Domain = host, Path = "/" });
            return;
        }
        Database = await NewDatabaseAsync();
        var a = new NodeFactory(Database, SharedDirectory, "a");
        _apps.Add(a);
        NodeA = (a.StartOnLoopback(), null); // the first node migrates the database and seeds the city
        var b = new NodeFactory(Database, SharedDirectory, "b");
        _apps.Add(b);
        NodeB = (b.StartOnLoopback(), null);
    }

    /// <summary>A new empty database on the tests' PostgreSQL server; returns its connection string.</summary>
    public static async Task<string> NewDatabaseAsync()
    {
        var name = "cst_cluster_" + Guid.NewGuid().ToString("N")[..12];
        await PostgresTestServer.ExecuteAsync($"CREATE DATABASE {name}");
        return PostgresTestServer.ForDatabase(await PostgresTestServer.AdminConnectionStringAsync(), name);
    }

    /// <summary>A page in a fresh browser context pinned to one node.</summary>
    public static async Task<IPage> NewPageAsync(IBrowser browser, (string BaseUrl, Cookie? Cookie) node, int width = 1280, int height = 900)
    {
        var page = await CstPortal.Tests.Browser.Chromium.NewPageAsync(browser, new BrowserNewContextOptions { BaseURL = node.BaseUrl, ViewportSize = new ViewportSize { Width = width, Height = height } });
        if (node.Cookie is { } cookie) await page.Context.AddCookiesAsync([cookie]);
        return page;
    }

    public async Task DisposeAsync()
    {
        foreach (var app in Enumerable.Reverse(_apps)) await app.DisposeAsync();
        try { Directory.Delete(SharedDirectory, recursive: true); } catch (IOException) { }
    }

    /// <summary>One node: the app on the PostgreSQL provider, the shared data directory and its own node name.</summary>
    public sealed class NodeFactory(string database, string sharedDirectory, string nodeName) : CstAppFactory
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseSetting("Cst:Database:Provider", "PostgreSQL");
            builder.UseSetting("Cst:Database:ConnectionString", database);
            builder.UseSetting("Cst:DataDirectory", sharedDirectory);
            builder.UseSetting("Cst:NodeName", nodeName);
            builder.UseSetting("Cst:Jobs:SlaSweep", "00:00:02");
            builder.UseSetting("Cst:Jobs:NotificationDispatch", "00:00:02");
        }
    }
}
