using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using MudBlazor.Services;

namespace CstPortal.Tests.Components;

/// <summary>bUnit with MudBlazor's services, loose JS interop, the app's localizer and a test clock.</summary>
public abstract class BunitTestBase : BunitContext, IAsyncLifetime
{
    protected static readonly DateTime Now = new(2026, 11, 2, 12, 0, 0, DateTimeKind.Utc);
    protected FakeTimeProvider Clock { get; } = new(new DateTimeOffset(Now));

    protected BunitTestBase()
    {
        Services.AddMudServices();
        Services.AddLocalization(o => o.ResourcesPath = "Resources");
        Services.AddSingleton<TimeProvider>(Clock);
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => base.DisposeAsync().AsTask();
}
