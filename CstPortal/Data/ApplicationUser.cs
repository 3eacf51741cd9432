using Microsoft.AspNetCore.Identity;

namespace CstPortal.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>The name staff and the user see; never shown on public pages.</summary>
    public string DisplayName { get; set; } = "";
}
