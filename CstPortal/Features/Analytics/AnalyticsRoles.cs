namespace CstPortal.Features.Analytics;

/// <summary>Who sees the maps, dashboards and exports.</summary>
public static class AnalyticsRoles
{
    public const string Viewers = "Supervisor,Manager,Admin";
}
