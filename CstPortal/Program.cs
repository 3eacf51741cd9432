using CstPortal.Common;
using CstPortal.Components;
using CstPortal.Components.Account;
using CstPortal.Data;
using CstPortal.Features.Analytics;
using CstPortal.Features.Geo;
using CstPortal.Features.Requests;
using CstPortal.Features.Integration;
using CstPortal.Features.Open311;
using CstPortal.Features.Operations;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

var builder = WebApplication.CreateBuilder(args);
builder.UseRootAppSettings();
// `dotnet run --project CstPortal -- backup <target-dir>`: an online backup of the data directory, then exit.
if (args is ["backup", var backupTarget])
    return CstPortal.Features.Operations.DatabaseBackup.RunCommand(builder.Configuration, builder.Environment.ContentRootPath, backupTarget);
// `dotnet run --project CstPortal -- verify-audit`: checks the audit chain of the data directory, exit code 0 when intact.
if (args is ["verify-audit"])
    return await CstPortal.Features.Audit.AuditService.RunVerifyCommandAsync(builder.Configuration, builder.Environment.ContentRootPath);
// Serve package assets (MudBlazor, the framework's scripts) from the build output in every
// environment, so `dotnet run` works outside Development too; a published app has them in wwwroot.
builder.WebHost.UseStaticWebAssets();

builder.Services.Configure<CstOptions>(builder.Configuration.GetSection(CstOptions.Section));
builder.Services.Configure<CitizenLimitOptions>(builder.Configuration.GetSection(CitizenLimitOptions.Section));
builder.Services.Configure<CstPortal.Features.Notifications.MailOptions>(builder.Configuration.GetSection(CstPortal.Features.Notifications.MailOptions.Section));
builder.Services.AddSingleton(TimeProvider.System);

// Data: one short-lived context per operation, on SQLite (default) or PostgreSQL (Cst:Database:Provider). The data
// directory and connection string are read when the first context is made, so test hosts and environment variables can move them.
builder.Services.AddCstDatabase(builder.Configuration);

// Keys that protect sign-in cookies live with the data, so sessions survive a restart.
builder.Services.AddDataProtection().SetApplicationName("CstPortal");
builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>, DataProtectionKeysInDataDirectory>();

builder.Services.AddRazorComponents()
    .AddInteractiveServerComponents(circuit =>
    {
        // A disconnected circuit (phone in a tunnel, laptop lid) keeps its state for 3 minutes so the page resumes;
        // at most 100 are kept, so memory stays bounded however many visitors walk away.
        circuit.DisconnectedCircuitRetentionPeriod = TimeSpan.FromMinutes(3);
        circuit.DisconnectedCircuitMaxRetained = 100;
        // Our JS calls (map, downloads) answer in milliseconds; a browser that does not answer in 30 s is gone or
        // hostile, and must not hold a server task for the default minute.
        circuit.JSInteropDefaultCallTimeout = TimeSpan.FromSeconds(30);
        circuit.DetailedErrors = builder.Environment.IsDevelopment();
    })
    // One message from a browser: 32 KB covers every event and map result we take (photos stream in chunks);
    // a bigger message is refused before it is parsed. This is the framework's default, now on purpose.
    .AddHubOptions(hub => hub.MaximumReceiveMessageSize = 32 * 1024);
builder.Services.AddMudServices();
builder.Services.AddLocalization(o => o.ResourcesPath = "Resources");

builder.Services.AddCascadingAuthenticationState();
builder.Services.AddScoped<IdentityRedirectManager>();
builder.Services.AddScoped<AuthenticationStateProvider, IdentityRevalidatingAuthenticationStateProvider>();
builder.Services.AddAuthentication(options =>
    {
        options.DefaultScheme = IdentityConstants.ApplicationScheme;
        options.DefaultSignInScheme = IdentityConstants.ExternalScheme;
    })
    .AddIdentityCookies();
builder.Services.AddAuthorization();
builder.Services.AddCstCookiePolicy(); // HttpOnly, SameSite=Lax, Secure over HTTPS (Common/SecurityHeaders.cs)
builder.Services.AddCstIdentity().AddSignInManager().AddDefaultTokenProviders();
// A disabled user (Admin › Users) or a changed password gets a new security stamp: a sign-in cookie is checked against it
// at most this long after its last check, and an open circuit is revalidated on the same interval
// (IdentityRevalidatingAuthenticationStateProvider). One minute rather than the framework's 30: one small query per
// signed-in user a minute, for a departed employee's access ending within a minute.
builder.Services.Configure<SecurityStampValidatorOptions>(o => o.ValidationInterval = TimeSpan.FromMinutes(1));
builder.Services.AddSingleton<IEmailSender<ApplicationUser>, CstPortal.Features.Notifications.IdentityEmails>(); // account emails through the outbox

builder.Services.AddCstFeatures();
builder.Services.AddLoginRateLimit(); // sign-in posts per address per minute (429), Common/LoginRateLimit.cs
builder.Services.AddCstApis(builder.Configuration);
builder.Services.AddCstJobs(builder.Configuration);
builder.Services.AddCstHealthChecks(); // /healthz: database, migrations, scheduler
builder.Services.AddCstBenchmark(builder.Configuration); // circuit counts for the benchmark harness, only when Cst:Benchmark:Enabled=true

var app = builder.Build();

await DatabaseSetup.InitializeAsync(app.Services);

app.UseForwardedScheme();
app.UseSecurityHeaders(); // CSP, nosniff, Referrer-Policy, frame-ancestors on every answer, error pages included
if (!app.Environment.IsDevelopment())
{
    app.UseExceptionHandler("/Error", createScopeForErrors: true);
    app.UseHsts();
}
app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
app.UseStatusCodePagesOnlyForNavigation(); // a POST keeps its bare status (Common/StatusCodePagesForNavigation.cs)
app.UseApiErrorBodies();
app.UseRequestLocalization(Cultures.LocalizationOptions()); // cookie, then the user's stored choice, then Accept-Language
app.UseAntiforgery();
app.UseAntiforgeryFailurePage(); // a form post without a valid token: 400 and a generic page (Common/AntiforgeryFailure.cs)
app.UseRateLimiter();

app.MapStaticAssets();
app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
app.MapAdditionalIdentityEndpoints();
app.MapCultureSwitch();
app.MapGeoFeeds();
app.MapAnalyticsExports();
app.MapCitizenEndpoints();
app.MapOpen311();
app.MapIntegrationApi();
app.MapOpenApi();
app.MapCstBenchmark(app.Configuration); // the benchmark harness's endpoints; mapped only when Cst:Benchmark:Enabled=true
app.MapCstHealth();

app.Lifetime.ApplicationStarted.Register(() => StartupBanner.Print(app));

app.Run();
return 0;

public partial class Program;
