namespace CstPortal.Common;

/// <summary>The six roles. Every page and endpoint checks them on the server.</summary>
public static class Roles
{
    public const string Citizen = "Citizen";
    public const string Agent = "Agent";
    public const string Dispatcher = "Dispatcher";
    public const string Supervisor = "Supervisor";
    public const string Manager = "Manager";
    public const string Admin = "Admin";

    public static readonly string[] All = [Citizen, Agent, Dispatcher, Supervisor, Manager, Admin];

    /// <summary>Everyone who works for the city (for [Authorize(Roles = Roles.Staff)]).</summary>
    public const string Staff = "Agent,Dispatcher,Supervisor,Manager,Admin";
    public const string Office = "Dispatcher,Supervisor,Manager,Admin";
}
