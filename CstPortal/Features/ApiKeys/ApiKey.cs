using CstPortal.Common;
using System.Security.Cryptography;
using System.Text;

namespace CstPortal.Features.ApiKeys;

/// <summary>
/// A key an outside system uses: Open311 clients send it as api_key; integrations send it as a Bearer
/// token for the REST API (which also needs a role). Only the SHA-256 of the key is stored.
/// </summary>
public class ApiKey
{
    public int Id { get; private set; }
    public string Name { get; private set; } = "";
    /// <summary>Hex SHA-256 of the key.</summary>
    public string KeyHash { get; private set; } = "";
    /// <summary>The first characters of the key, so admins can tell keys apart.</summary>
    public string Prefix { get; private set; } = "";
    /// <summary>Role the key acts with on the REST API; null for an Open311-only key.</summary>
    public string? Role { get; private set; }
    /// <summary>Optional user the integration acts for (e.g. a field app acting for an agent).</summary>
    public string? UserId { get; private set; }
    public DateTime CreatedAt { get; private set; }
    public DateTime? RevokedAt { get; private set; }

    public static ApiKey Create(string name, string secret, string? role, string? userId, DateTime now) => new()
    {
        Name = name.Trim(), KeyHash = Hash(secret), Prefix = secret.Length > 8 ? secret[..8] : secret,
        Role = role, UserId = userId, CreatedAt = now,
    };

    public Common.Result Revoke(DateTime now)
    {
        if (RevokedAt is not null) return Common.Result.Fail(Texts.Get("This key was already revoked."));
        RevokedAt = now;
        return Common.Result.Ok();
    }

    public static string Hash(string secret) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret.Trim())));

    /// <summary>A new random key: 32 bytes, URL-safe.</summary>
    public static string NewSecret() =>
        "cst_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
