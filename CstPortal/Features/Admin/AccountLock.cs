namespace CstPortal.Features.Admin;

/// <summary>
/// A disabled account, in Identity's own terms: lockout enabled and a lockout end that never comes. A lockout after
/// failed sign-ins ends after minutes; only an administrator sets (and clears) this one.
/// </summary>
public static class AccountLock
{
    public static readonly DateTimeOffset DisabledUntil = DateTimeOffset.MaxValue;

    /// <summary>
    /// True for an administrator's lock, false for none or a lockout after failed sign-ins. Compared with a day's
    /// margin: PostgreSQL keeps microseconds, so the stored end reads back a little under <see cref="DateTimeOffset.MaxValue"/>.
    /// </summary>
    public static bool IsDisabled(DateTimeOffset? lockoutEnd) => lockoutEnd >= DisabledUntil.AddDays(-1);
}
