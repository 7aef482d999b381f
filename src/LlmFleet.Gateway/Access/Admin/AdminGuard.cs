using System.Net;
using System.Security.Cryptography;
using System.Text;
using LlmFleet.Gateway.Configuration;
using LlmFleet.Gateway.Errors;
using Microsoft.AspNetCore.Http;

namespace LlmFleet.Gateway.Access.Admin;

/// <summary>
/// Who may use the admin surfaces (<c>/admin/*</c>, the dashboard's data): the holder of the admin key
/// (<c>Authorization: Bearer</c>; the key is read from <c>LLMFLEET_ADMIN_KEY</c> or the variable named by
/// <c>auth.admin_key_env</c>). Read-only views are open to all only with <c>monitoring.public_read: true</c>; requests
/// from this machine pass without the key only with <c>admin.allow_loopback: true</c>. Without an admin key set,
/// everyone else is refused with 403 saying how to set one.
/// </summary>
internal static class AdminGuard
{
    /// <summary>Writes the refusal and returns false when the request may not go on.</summary>
    /// <param name="openToAll">The view is read-only and <c>monitoring.public_read</c> is on.</param>
    public static async ValueTask<bool> AllowAsync(HttpContext context, AccessConfig access, bool openToAll = false)
    {
        if (Refusal(context, access, openToAll) is not { } refusal)
        {
            return true;
        }
        await OpenAiErrors.WriteAsync(context, refusal.Status, refusal.Message);
        return false;
    }

    private static (int Status, string Message)? Refusal(HttpContext context, AccessConfig access, bool openToAll)
    {
        if (openToAll || (access.AdminAllowLoopback && context.Connection.RemoteIpAddress is { } ip && IPAddress.IsLoopback(ip)))
        {
            return null;
        }
        if (Environment.GetEnvironmentVariable(access.AdminKeyEnv) is not { Length: > 0 } adminKey)
        {
            return (403, $"the admin API is off: set {access.AdminKeyEnv} for the gateway to turn it on");
        }
        var header = context.Request.Headers.Authorization.ToString();
        var given = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : "";
        return CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(given)), SHA256.HashData(Encoding.UTF8.GetBytes(adminKey)))
            ? null
            : (401, "this needs the admin key: 'Authorization: Bearer <admin key>'");
    }
}
