using System.Collections.Frozen;
using CstPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace CstPortal.Common.Passwords;

/// <summary>
/// Refuses the passwords attackers try first (NIST SP 800-63B §3.1.1.2: check against a list of commonly used
/// passwords), whatever their letter case. The list is Common/Passwords/common-passwords.txt, embedded in the app:
/// a few hundred in-house entries built from well-known patterns, not yet the full 3,000 the issue asks for.
/// </summary>
public sealed class CommonPasswordValidator(IStringLocalizer<SharedResource> localizer) : IPasswordValidator<ApplicationUser>
{
    public const string ErrorCode = "CommonPassword";

    public static readonly FrozenSet<string> List = Load();

    public static bool IsCommon(string password) => List.Contains(password.Trim().ToLowerInvariant());

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError
            {
                Code = ErrorCode,
                Description = localizer["This password is one of the most common ones and easy to guess. Choose another, for example a few unrelated words."],
            })
            : IdentityResult.Success);

    private static FrozenSet<string> Load()
    {
        using var stream = typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("CstPortal.Common.Passwords.common-passwords.txt")
            ?? throw new InvalidOperationException("The common password list is not embedded in the app.");
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Length > 0 && !line.StartsWith('#')) words.Add(line.Trim().ToLowerInvariant());
        return words.ToFrozenSet(StringComparer.Ordinal);
    }
}
