using CstPortal.Common;
using Microsoft.AspNetCore.Identity;

namespace CstPortal.Components.Account;

/// <summary>
/// A message for an account page's status line (<c>Shared/StatusMessage.razor</c>): its text, already in the reader's
/// language, and whether it reports an error. The kind is said, not guessed from the wording, so a translated error is
/// still shown as one. Pages make one from the localizer (<c>StatusNote.Error(L["Error: ..."])</c>);
/// <see cref="IdentityRedirectManager"/> carries it across a redirect in the status cookie.
/// </summary>
public sealed record StatusNote(string Text, bool IsError)
{
    private const string ErrorMark = "error:";
    private const string SuccessMark = "success:";

    public static StatusNote Success(string text) => new(text, IsError: false);

    public static StatusNote Error(string text) => new(text, IsError: true);

    /// <summary>Identity's errors (worded in the reader's language by <see cref="LocalizedIdentityErrors"/>) as one error.</summary>
    public static StatusNote Error(IdentityResult result) =>
        Error(Texts.Get("Error: {0}", string.Join(" ", result.Errors.Select(e => e.Description))));

    /// <summary>The status cookie's value: the kind, then the text.</summary>
    public string ToCookieValue() => (IsError ? ErrorMark : SuccessMark) + Text;

    /// <summary>The note a status cookie carries; null for a value in no known form.</summary>
    public static StatusNote? FromCookieValue(string? value) => value switch
    {
        not null when value.StartsWith(ErrorMark, StringComparison.Ordinal) => Error(value[ErrorMark.Length..]),
        not null when value.StartsWith(SuccessMark, StringComparison.Ordinal) => Success(value[SuccessMark.Length..]),
        _ => null,
    };
}
