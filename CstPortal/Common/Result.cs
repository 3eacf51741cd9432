namespace CstPortal.Common;

/// <summary>
/// Why an operation failed, for callers that answer machines (the REST API maps it to 404, 409, 429 or 422).
/// The message is for people and is in their language, so it must never be parsed to find the reason.
/// </summary>
public enum FailureKind
{
    /// <summary>The rules do not allow it (a transition not allowed, a value out of range).</summary>
    Refused,
    /// <summary>There is no such thing, or not one the caller may see.</summary>
    NotFound,
    /// <summary>Someone else changed it since the caller read it.</summary>
    Conflict,
    /// <summary>Too many actions in a short time.</summary>
    TooMany,
}

/// <summary>The outcome of an operation that can fail for a reason a person can act on.</summary>
public record Result(bool Succeeded, string? Error, FailureKind Failure = FailureKind.Refused)
{
    public static Result Ok() => new(true, null);
    public static Result Fail(string error, FailureKind kind = FailureKind.Refused) => new(false, error, kind);
    public static Result NotFound(string error) => new(false, error, FailureKind.NotFound);
    public static Result Conflict(string error) => new(false, error, FailureKind.Conflict);
}

/// <summary>A value, or the reason there is none.</summary>
public sealed record Result<T>(bool Succeeded, T? Value, string? Error, FailureKind Failure = FailureKind.Refused)
{
    public static Result<T> Ok(T value) => new(true, value, null);
    public static Result<T> Fail(string error, FailureKind kind = FailureKind.Refused) => new(false, default, error, kind);
    public static Result<T> NotFound(string error) => new(false, default, error, FailureKind.NotFound);

    public static implicit operator Result<T>(T value) => Ok(value);
}
