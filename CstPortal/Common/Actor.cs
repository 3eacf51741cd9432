using System.Security.Claims;
using CstPortal.Features.Requests;

namespace CstPortal.Common;

/// <summary>Who is acting: a signed-in user, an anonymous reporter holding a tracking code, or the system itself.</summary>
public sealed record Actor(string? UserId, string Name, IReadOnlySet<string> Roles, bool IsSystem = false)
{
    public static readonly Actor Anonymous = new(null, "Anonymous", new HashSet<string>());

    public static Actor System(string job) => new(null, $"System ({job})", new HashSet<string>(), IsSystem: true);

    public static Actor FromPrincipal(ClaimsPrincipal principal)
    {
        if (principal.Identity?.IsAuthenticated != true) return Anonymous;
        var roles = principal.FindAll(ClaimTypes.Role).Select(c => c.Value).ToHashSet();
        var name = principal.FindFirstValue("display_name") ?? principal.Identity.Name ?? "User";
        return new Actor(principal.FindFirstValue(ClaimTypes.NameIdentifier), name, roles);
    }

    public bool IsIn(string role) => Roles.Contains(role);
    public bool IsStaff => Roles.Overlaps([Common.Roles.Agent, Common.Roles.Dispatcher, Common.Roles.Supervisor, Common.Roles.Manager, Common.Roles.Admin]);

    public ActorInfo Info => new(UserId, Name);
}
