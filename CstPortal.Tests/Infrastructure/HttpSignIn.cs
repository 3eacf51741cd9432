using System.Net;
using System.Text.RegularExpressions;
using CstPortal.Data.DemoCity;
using Microsoft.AspNetCore.Mvc.Testing;

namespace CstPortal.Tests.Infrastructure;

/// <summary>An HTTP client signed in through the real sign-in form (antiforgery token and all).</summary>
public static partial class HttpSignIn
{
    public static async Task<HttpClient> SignedInClientAsync(this CstAppFactory factory, string who)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var html = await client.GetStringAsync("/Account/Login");
        var fields = HttpSignInForm.Hidden(html);
        fields["Input.Email"] = $"{who}@{DemoCityPlan.EmailDomain}";
        fields["Input.Password"] = DemoCityPlan.DemoPassword;
        var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        if (response.StatusCode != HttpStatusCode.Redirect) throw new InvalidOperationException($"Sign-in as {who} failed: {response.StatusCode}");
        return client;
    }

}

/// <summary>The hidden fields of a server-rendered form (antiforgery token and the like).</summary>
public static partial class HttpSignInForm
{
    public static Dictionary<string, string> Hidden(string html)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match m in HiddenInput().Matches(html)) fields.TryAdd(m.Groups[1].Value, WebUtility.HtmlDecode(m.Groups[2].Value));
        return fields;
    }

    /// <summary>Opens a server-rendered form, fills <paramref name="input"/> over its hidden fields (antiforgery and all) and posts it.</summary>
    public static async Task<HttpResponseMessage> PostAsync(HttpClient client, string url, Dictionary<string, string> input)
    {
        var fields = Hidden(await client.GetStringAsync(url));
        foreach (var (k, v) in input) fields[k] = v;
        return await client.PostAsync(url, new FormUrlEncodedContent(fields));
    }

    [GeneratedRegex("""<input type="hidden" name="([^"]+)" value="([^"]*)" """)]
    private static partial Regex HiddenInput();
}
