using System.Collections.Frozen;
using CstPortal.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Localization;

namespace CstPortal.Common.Passwords;

/// <summary>
/// Refuses the passwords attackers try first (NIST SP 800-63B §3.1.1.2, OWASP ASVS: check against a list of
/// commonly used passwords), whatever their letter case. Two sources, read once at start:
/// <list type="bullet">
/// <item>the <see cref="RankedTop"/> most common passwords of the ranked list that the zxcvbn-core package embeds
/// (<c>Dictionaries/passwords.lst</c>, most common first, from real password leaks);</item>
/// <item>Common/Passwords/common-passwords.txt: in-house patterns the leak list lacks (first names, service words,
/// "p@ssword" spellings).</item>
/// </list>
/// </summary>
public sealed class CommonPasswordValidator(IStringLocalizer<SharedResource> localizer) : IPasswordValidator<ApplicationUser>
{
    public const string ErrorCode = "CommonPassword";
    /// <summary>How many of the package's ranked passwords are refused (ASVS asks for at least the top 3,000).</summary>
    public const int RankedTop = 10_000;
    private const string RankedResource = "zxcvbn-core.Dictionaries.passwords.lst";

    /// <summary>The package's ranked list, most common first (rank = index + 1).</summary>
    public static readonly IReadOnlyList<string> Ranked = ReadLines(typeof(Zxcvbn.Zxcvbn).Assembly.GetManifestResourceStream(RankedResource)
        ?? throw new InvalidOperationException($"zxcvbn-core no longer embeds {RankedResource}."));

    public static readonly FrozenSet<string> List = Ranked.Take(RankedTop)
        .Concat(ReadLines(typeof(CommonPasswordValidator).Assembly.GetManifestResourceStream("CstPortal.Common.Passwords.common-passwords.txt")
            ?? throw new InvalidOperationException("The in-house common password list is not embedded in the app.")))
        .ToFrozenSet(StringComparer.Ordinal);

    public static bool IsCommon(string password) => List.Contains(password.Trim().ToLowerInvariant());

    public Task<IdentityResult> ValidateAsync(UserManager<ApplicationUser> manager, ApplicationUser user, string? password) =>
        Task.FromResult(password is not null && IsCommon(password)
            ? IdentityResult.Failed(new IdentityError
            {
                Code = ErrorCode,
                Description = localizer["This password is one of the most common ones and easy to guess. Choose another, for example a few unrelated words."],
            })
            : IdentityResult.Success);

    private static List<string> ReadLines(Stream stream)
    {
        using var reader = new StreamReader(stream);
        var words = new List<string>();
        while (reader.ReadLine() is { } line)
            if (line.Trim() is { Length: > 0 } word && !word.StartsWith('#')) words.Add(word.ToLowerInvariant());
        return words;
    }
}
