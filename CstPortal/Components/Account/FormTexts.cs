using CstPortal.Common;

namespace CstPortal.Components.Account;

/// <summary>
/// The texts of the account forms' validation attributes, in the reader's language. An attribute names one of these
/// properties — <c>[Required(ErrorMessageResourceType = typeof(FormTexts), ErrorMessageResourceName = nameof(FormTexts.Required))]</c>,
/// <c>[Display(Name = nameof(FormTexts.Email), ResourceType = typeof(FormTexts))]</c> — and DataAnnotations reads the
/// property each time it words a message, so the message comes out in the culture of the request that is validated.
/// A property's text is a key of Resources/SharedResource.resx, as everywhere else.
/// </summary>
public static class FormTexts
{
    // Messages: {0} is the field's display name; {1} and {2} are the attribute's limits (maximum, minimum).
    public static string Required => Texts.Get("The {0} field is required.");
    public static string EmailAddress => Texts.Get("The {0} field is not a valid email address.");
    public static string Phone => Texts.Get("The {0} field is not a valid phone number.");
    public static string LengthBetween => Texts.Get("The {0} must be at least {2} and at most {1} characters long.");
    public static string LengthAtMost => Texts.Get("The {0} must be at most {1} characters long.");
    public static string PasswordsDiffer => Texts.Get("The password and confirmation password do not match.");
    public static string NewPasswordsDiffer => Texts.Get("The new password and confirmation password do not match.");

    // Field names, as the messages above show them.
    public static string Email => Texts.Get("Email");
    public static string NewEmail => Texts.Get("New email");
    public static string Password => Texts.Get("Password");
    public static string ConfirmPassword => Texts.Get("Confirm password");
    public static string CurrentPassword => Texts.Get("Current password");
    public static string NewPassword => Texts.Get("New password");
    public static string ConfirmNewPassword => Texts.Get("Confirm new password");
    public static string PhoneNumber => Texts.Get("Phone number");
    public static string RememberMe => Texts.Get("Remember me");
    public static string AuthenticatorCode => Texts.Get("Authenticator code");
    public static string RememberMachine => Texts.Get("Remember this machine");
    public static string RecoveryCode => Texts.Get("Recovery code");
    public static string VerificationCode => Texts.Get("Verification code");
    public static string ResetCode => Texts.Get("Reset code");
    public static string PasskeyName => Texts.Get("Passkey name");
}
