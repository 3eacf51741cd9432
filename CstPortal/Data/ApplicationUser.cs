using Microsoft.AspNetCore.Identity;

namespace CstPortal.Data;

public class ApplicationUser : IdentityUser
{
    /// <summary>The name staff and the user see; never shown on public pages.</summary>
    public string DisplayName { get; set; } = "";
    /// <summary>The language the user chose ("en", "ar"): pages, emails and exports use it; null = not chosen.</summary>
    public string? PreferredCulture { get; set; }
}
