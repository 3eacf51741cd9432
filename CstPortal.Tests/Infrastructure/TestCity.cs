using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Data.DemoCity;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// A real SQLite database holding a small demo city, in a temp folder of its own, with the app's own
/// services around it and a clock the test moves. The city is seeded once per test run into a template
/// file; each TestCity starts from a copy of it, so tests are isolated and still fast.
/// </summary>
public sealed class TestCity : IAsyncDisposable
{
    public const int TemplateRequestCount = 600;
    public const int TemplateSeed = 4242;
    /// <summary>"Now" in every test city: the demo history ends here.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 2, 9, 30, 0, TimeSpan.Zero);

    private static readonly Lazy<Task<string>> Template = new(BuildTemplateAsync);
    private readonly ServiceProvider _services;

    public string Directory { get; }
    public FakeTimeProvider Clock { get; }
    public IServiceProvider Services => _services;

    private TestCity(string directory, FakeTimeProvider clock, ServiceProvider services)
    {
        Directory = directory;
        Clock = clock;
        _services = services;
    }

    public static async Task<TestCity> CreateAsync()
    {
        var template = await Template.Value;
        var dir = NewTempDirectory();
        File.Copy(template, Path.Combine(dir, "cstportal.db"));
        var clock = new FakeTimeProvider(Now);
        return new TestCity(dir, clock, BuildServices(dir, clock));
    }

    public T Get<T>() where T : notnull => _services.GetRequiredService<T>();

    /// <summary>A new scope, as a circuit or request would have.</summary>
    public AsyncServiceScope Scope() => _services.CreateAsyncScope();

    public CstDbContext Db() => Get<IDbContextFactory<CstDbContext>>().CreateDbContext();

    public static string NewTempDirectory()
    {
        var dir = Path.Combine(Path.GetTempPath(), "cst-tests", Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(dir);
        return dir;
    }

    public static ServiceProvider BuildServices(string dataDirectory, TimeProvider clock)
    {
        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(clock);
        services.AddDbContextFactory<CstDbContext>(o => o.UseSqlite(DatabaseSetup.SqliteConnectionString(dataDirectory)));
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<CstDbContext>>().CreateDbContext());
        services.AddDataProtection();
        services.AddCstIdentity();
        services.AddCstFeatures();
        services.Configure<CstOptions>(o =>
        {
            o.DataDirectory = dataDirectory;
            o.DemoRequestCount = TemplateRequestCount;
            o.DemoSeed = TemplateSeed;
        });
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true });
    }

    private static async Task<string> BuildTemplateAsync()
    {
        var dir = NewTempDirectory();
        // The app's own start-up path: migrations, WAL, roles, demo city.
        await using (var services = BuildServices(dir, new FakeTimeProvider(Now)))
            await DatabaseSetup.InitializeAsync(services);
        SqliteConnection.ClearAllPools();
        return Path.Combine(dir, "cstportal.db");
    }

    /// <summary>The user id of a demo user, by role.</summary>
    public async Task<Actor> ActorAsync(string role)
    {
        var email = DemoCityPlan.Users.Single(u => u.Role == role).Email;
        await using var scope = Scope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<ApplicationUser>>();
        var user = await users.FindByEmailAsync(email) ?? throw new InvalidOperationException(email);
        return new Actor(user.Id, user.DisplayName, new HashSet<string> { role });
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a file still open on a slow machine: the temp folder is cleaned later */ }
    }
}
