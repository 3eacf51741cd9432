using CstPortal.Common;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace CstPortal.Features.Notifications;

/// <summary>The "Cst:Mail" section: SMTP when a host is set, else .eml files in the data directory's mail folder.</summary>
public sealed class MailOptions
{
    public const string Section = "Cst:Mail";
    public string? SmtpHost { get; set; }
    public int SmtpPort { get; set; } = 587;
    public bool UseStartTls { get; set; } = true;
    public string? UserName { get; set; }
    public string? Password { get; set; }
    public string From { get; set; } = "CstPortal <no-reply@cstportal.example>";
    /// <summary>Where .eml files go without SMTP; default: the data directory's "mail" folder.</summary>
    public string? PickupDirectory { get; set; }
    /// <summary>The address people open the portal at; links in emails start with it.</summary>
    public string PublicBaseUrl { get; set; } = "http://127.0.0.1:5080";
}

/// <summary>Sends one email through MailKit, or writes it as an .eml file a person can open.</summary>
public sealed partial class MailSender(IOptions<MailOptions> mail, IOptions<CstOptions> cst, IHostEnvironment? env = null)
{
    /// <summary>Notification texts link to pages by path ("/track?..."); an email needs the whole address.</summary>
    public static string AbsoluteLinks(string body, string baseUrl) =>
        SitePath().Replace(body, m => m.Groups[1].Value + baseUrl.TrimEnd('/') + m.Groups[2].Value);

    [System.Text.RegularExpressions.GeneratedRegex(@"(^|\s)(/[A-Za-z][^\s]*)", System.Text.RegularExpressions.RegexOptions.Multiline)]
    private static partial System.Text.RegularExpressions.Regex SitePath();

    public string PickupDirectory => mail.Value.PickupDirectory
        ?? Path.Combine(cst.Value.ResolveDataDirectory(env?.ContentRootPath ?? AppContext.BaseDirectory), "mail");

    public async Task SendAsync(string to, string subject, string body, string messageId, CancellationToken ct)
    {
        var options = mail.Value;
        var text = AbsoluteLinks(body, options.PublicBaseUrl);
        var message = new MimeMessage { Subject = subject, MessageId = messageId, Body = new TextPart("plain") { Text = text } };
        message.From.Add(MailboxAddress.Parse(options.From));
        message.To.Add(MailboxAddress.Parse(to));

        if (!string.IsNullOrWhiteSpace(options.SmtpHost))
        {
            using var smtp = new SmtpClient { Timeout = 15_000 };
            await smtp.ConnectAsync(options.SmtpHost, options.SmtpPort, options.UseStartTls ? SecureSocketOptions.StartTlsWhenAvailable : SecureSocketOptions.None, ct);
            if (!string.IsNullOrEmpty(options.UserName)) await smtp.AuthenticateAsync(options.UserName, options.Password ?? "", ct);
            await smtp.SendAsync(message, ct);
            await smtp.DisconnectAsync(true, ct);
            return;
        }
        Directory.CreateDirectory(PickupDirectory);
        // The message id names the file, so a retry after a crash overwrites rather than duplicates.
        var file = Path.Combine(PickupDirectory, string.Concat(messageId.Split(Path.GetInvalidFileNameChars())) + ".eml");
        await using var stream = File.Create(file);
        await message.WriteToAsync(stream, ct);
    }
}
