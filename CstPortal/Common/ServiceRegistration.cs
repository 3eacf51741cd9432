using CstPortal.Data;
using CstPortal.Data.DemoCity;
using CstPortal.Features.Analytics;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Audit;
using CstPortal.Features.Duplicates;
using CstPortal.Features.Geo;
using CstPortal.Features.Open311;
using CstPortal.Features.Notifications;
using CstPortal.Features.Requests;
using CstPortal.Features.Sla;
using CstPortal.Features.Workflow;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace CstPortal.Common;

/// <summary>The app's services, in one place the tests reuse (so a test host is the app, not a copy of it).</summary>
public static class ServiceRegistration
{
    public static IServiceCollection AddCstFeatures(this IServiceCollection services)
    {
        services.AddLiveBackplane();
        services.AddSingleton<RequestEvents>();
        services.AddSingleton<ZoneDirectory>();
        services.AddSingleton<Features.Addresses.AddressRegister>();
        services.AddSingleton<RequestService>();
        services.AddSingleton<WorkflowService>();
        services.AddSingleton<AuditService>();
        services.AddSingleton<DuplicateFinder>();
        services.AddSingleton<GeoFeedService>();
        services.AddSingleton<KpiService>();
        services.AddSingleton<ExportService>();
        services.AddCitizenPortal();
        services.AddSingleton<ApiKeyService>();
        services.AddSingleton<Open311Intake>();
        services.AddSingleton<Open311Service>();
        services.AddSingleton<Features.Integration.ApiReferenceService>();
        services.AddSingleton<Features.Assignment.AutoAssignService>();
        services.AddSingleton<Features.Assignment.StaffWorkService>();
        services.AddSingleton<Features.Workflow.TriageService>();
        services.AddSingleton<Features.Admin.AdminService>();
        services.AddSingleton<Features.Admin.TranslationService>();
        services.AddScoped<DemoCitySeeder>();
        services.AddSlaAndNotifications();
        return services;
    }

    /// <summary>SLA engine (calendar, sweep, performance) and notifications (outbox dispatch, mail, the bell).</summary>
    private static IServiceCollection AddSlaAndNotifications(this IServiceCollection services)
    {
        services.AddSingleton<NotificationEvents>();
        services.AddSingleton<NotificationService>();
        services.AddSingleton<NotificationDispatcher>();
        services.AddSingleton<MailSender>();
        services.AddSingleton<SlaSweep>();
        services.AddSingleton<SlaAdminService>();
        services.AddSingleton<PerformanceService>();
        return services;
    }

    /// <summary>The citizen portal: the photo store, limits, the citizen service.</summary>
    private static IServiceCollection AddCitizenPortal(this IServiceCollection services)
    {
        services.AddOptions<CitizenLimitOptions>(); // bound from configuration in Program.cs
        services.AddSingleton<CitizenLimits>();
        // Cst:Evidence:Directory (a directory every node reaches) or the data directory's evidence/ folder.
        services.AddSingleton<IEvidenceStore>(sp =>
        {
            var contentRoot = sp.GetService<IHostEnvironment>()?.ContentRootPath ?? AppContext.BaseDirectory;
            var configured = sp.GetService<IConfiguration>()?["Cst:Evidence:Directory"];
            return new DirectoryEvidenceStore(string.IsNullOrWhiteSpace(configured)
                ? Path.Combine(sp.GetRequiredService<IOptions<CstOptions>>().Value.ResolveDataDirectory(contentRoot), "evidence")
                : Path.IsPathRooted(configured) ? configured : Path.Combine(contentRoot, configured));
        });
        services.AddSingleton<CitizenService>();
        services.AddHttpContextAccessor();
        services.AddScoped<ClientAddress>();
        return services;
    }

    /// <summary>Users and roles: password and lockout rules for everyone, staff and citizens alike.</summary>
    public static IdentityBuilder AddCstIdentity(this IServiceCollection services) =>
        services.AddLocalization(o => o.ResourcesPath = "Resources") // the common-password message is localized
        .AddIdentityCore<ApplicationUser>(options =>
            {
                options.SignIn.RequireConfirmedAccount = true;
                options.Stores.SchemaVersion = IdentitySchemaVersions.Version3;
                // Length over composition (NIST SP 800-63B): at least 8 characters, long passphrases welcome.
                options.Password.RequiredLength = 8;
                options.Password.RequireDigit = false;
                options.Password.RequireLowercase = false;
                options.Password.RequireUppercase = false;
                options.Password.RequireNonAlphanumeric = false;
                options.Password.RequiredUniqueChars = 1;
                options.Lockout.AllowedForNewUsers = true;
                options.Lockout.MaxFailedAccessAttempts = 5;
                options.Lockout.DefaultLockoutTimeSpan = TimeSpan.FromMinutes(15);
                options.User.RequireUniqueEmail = true;
            })
            .AddPasswordValidator<Passwords.CommonPasswordValidator>() // the most common passwords refused
            .AddErrorDescriber<LocalizedIdentityErrors>() // Identity's own error texts in the reader's language
            .AddRoles<IdentityRole>()
            .AddEntityFrameworkStores<CstDbContext>()
            .AddClaimsPrincipalFactory<CstClaimsFactory>();
}
