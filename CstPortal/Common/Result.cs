namespace CstPortal.Common;

/// <summary>The outcome of an operation that can fail for a reason a person can act on.</summary>
public record Result(bool Succeeded, string? Error)
{
    public static Result Ok() => new(true, null);
    public static Result Fail(string error) => new(false, error);
}

/// <summary>A value, or the reason there is none.</summary>
public sealed record Result<T>(bool Succeeded, T? Value, string? Error)
{
    public static Result<T> Ok(T value) => new(true, value, null);
    public static Result<T> Fail(string error) => new(false, default, error);

    public static implicit operator Result<T>(T value) => Ok(value);
}
