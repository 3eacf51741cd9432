using Microsoft.AspNetCore.Identity;

namespace CstPortal.Common;

/// <summary>
/// Identity's own error texts (registration, password change, e-mail change) in the reader's language, from the
/// app's resources. Only the errors our settings can produce are worded here; the rest keep Identity's English.
/// </summary>
public sealed class LocalizedIdentityErrors : IdentityErrorDescriber
{
    public override IdentityError DefaultError() => Error(nameof(DefaultError), Texts.Get("Something went wrong. Nothing was changed; please try again."));
    public override IdentityError ConcurrencyFailure() => Error(nameof(ConcurrencyFailure), Texts.Get("Someone else changed this account at the same time. Reload the page and try again."));
    public override IdentityError PasswordMismatch() => Error(nameof(PasswordMismatch), Texts.Get("The password is not right."));
    public override IdentityError InvalidToken() => Error(nameof(InvalidToken), Texts.Get("This link is no longer valid. Ask for a new one."));
    public override IdentityError InvalidEmail(string? email) => Error(nameof(InvalidEmail), Texts.Get("The email address '{0}' does not look right.", email ?? ""));
    public override IdentityError InvalidUserName(string? userName) => Error(nameof(InvalidUserName), Texts.Get("The email address '{0}' does not look right.", userName ?? ""));
    public override IdentityError DuplicateEmail(string email) => Error(nameof(DuplicateEmail), Texts.Get("There is already an account for '{0}'.", email));
    public override IdentityError DuplicateUserName(string userName) => Error(nameof(DuplicateUserName), Texts.Get("There is already an account for '{0}'.", userName));
    public override IdentityError PasswordTooShort(int length) => Error(nameof(PasswordTooShort), Texts.Get("The password must be at least {0} characters long. A few unrelated words make a good one.", length));
    public override IdentityError UserAlreadyHasPassword() => Error(nameof(UserAlreadyHasPassword), Texts.Get("This account already has a password."));
    public override IdentityError LoginAlreadyAssociated() => Error(nameof(LoginAlreadyAssociated), Texts.Get("That sign-in is already linked to another account."));

    private static IdentityError Error(string code, string description) => new() { Code = code, Description = description };
}
