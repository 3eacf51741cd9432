using System.Net;
using System.Net.Sockets;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.Notifications;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CstPortal.Tests.Features.Notifications;

public class NotificationDispatcherTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private string MailDirectory => Path.Combine(_city.Directory, "mail");

    public async Task InitializeAsync() => _city = await TestCity.CreateAsync(this);
    public async Task DisposeAsync() => await _city.DisposeAsync();

    private async Task<long> EnqueueAsync(NotificationChannel channel, string key, string? userId = null, string? email = "someone@example.org")
    {
        await using var db = _city.Db();
        Outbox.Enqueue(db, _city.Clock.GetUtcNow().UtcDateTime, channel, "Subject " + key, "Body", recipientUserId: userId,
            recipientEmail: channel == NotificationChannel.Email ? email : null, deduplicationKey: key);
        await db.SaveChangesAsync();
        return await db.Outbox.Where(m => m.DeduplicationKey == key).Select(m => m.Id).SingleAsync();
    }

    private async Task<OutboxMessage> MessageAsync(long id)
    {
        await using var db = _city.Db();
        return await db.Outbox.AsNoTracking().SingleAsync(m => m.Id == id);
    }

    [Fact]
    public async Task An_anonymous_reporters_email_links_to_the_tracking_page_by_its_whole_address()
    {
        var requests = _city.Get<CstPortal.Features.Requests.RequestService>();
        var pothole = (await requests.CategoriesAsync()).Single(c => c.Name == "Pothole");
        var receipt = (await requests.SubmitAsync(new CstPortal.Features.Requests.SubmitInput(pothole.Id, "Pothole by the school",
            Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null, new Dictionary<string, string> { ["size"] = "small" }, "walker@example.org"),
            Actor.Anonymous)).Value!;

        await _city.Get<NotificationDispatcher>().DispatchDueAsync();

        var emails = await Task.WhenAll(Directory.GetFiles(MailDirectory, "*.eml").Select(f => File.ReadAllTextAsync(f)));
        var email = Assert.Single(emails, e => e.Contains("To: walker@example.org"));
        Assert.Contains($"http://127.0.0.1:5080/track?number={receipt.Number}&code={receipt.TrackingCode}", email);
    }

    [Theory]
    [InlineData("Follow it at /track?number=A&code=B", "https://city.example/", "Follow it at https://city.example/track?number=A&code=B")]
    [InlineData("/requests/CST-1 changed", "https://city.example", "https://city.example/requests/CST-1 changed")]
    [InlineData("Fixed 3/4 of the lights; see https://x.example/a", "https://city.example", "Fixed 3/4 of the lights; see https://x.example/a")]
    public void Paths_in_email_texts_become_whole_addresses(string body, string baseUrl, string expected) =>
        Assert.Equal(expected, MailSender.AbsoluteLinks(body, baseUrl));

    [Fact]
    public async Task Without_smtp_an_email_becomes_one_eml_file_in_the_data_directory_and_is_never_sent_twice()
    {
        var id = await EnqueueAsync(NotificationChannel.Email, "eml-1");
        var dispatcher = _city.Get<NotificationDispatcher>();
        Assert.Equal(1, (await dispatcher.DispatchDueAsync()).Sent);
        Assert.Equal(0, (await dispatcher.DispatchDueAsync()).Sent);
        var file = Assert.Single(Directory.GetFiles(MailDirectory, "*.eml"));
        Assert.Contains("Subject: Subject eml-1", await File.ReadAllTextAsync(file));
        Assert.NotNull((await MessageAsync(id)).SentAt);
    }

    [Fact]
    public async Task A_failing_pickup_directory_is_retried_with_back_off_until_it_works()
    {
        await File.WriteAllTextAsync(MailDirectory, "a file where the mail folder should be"); // the folder cannot be created
        var id = await EnqueueAsync(NotificationChannel.Email, "retry-1");
        var dispatcher = _city.Get<NotificationDispatcher>();
        var start = _city.Clock.GetUtcNow().UtcDateTime;

        Assert.Equal(new DispatchResult(0, 1), await dispatcher.DispatchDueAsync());
        var m = await MessageAsync(id);
        Assert.Equal((1, start.AddMinutes(1)), (m.Attempts, m.NextAttemptAt));
        Assert.NotNull(m.LastError);
        Assert.Equal(new DispatchResult(0, 0), await dispatcher.DispatchDueAsync()); // not due yet: no attempt

        _city.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(new DispatchResult(0, 1), await dispatcher.DispatchDueAsync());
        m = await MessageAsync(id);
        Assert.Equal((2, start.AddMinutes(3)), (m.Attempts, m.NextAttemptAt)); // the wait doubled

        File.Delete(MailDirectory);
        _city.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(new DispatchResult(1, 0), await dispatcher.DispatchDueAsync());
        _city.Clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(new DispatchResult(0, 0), await dispatcher.DispatchDueAsync());
        Assert.Single(Directory.GetFiles(MailDirectory, "*.eml"));
        m = await MessageAsync(id);
        Assert.Equal(3, m.Attempts);
        Assert.Null(m.LastError);
    }

    [Fact]
    public async Task An_smtp_server_that_refuses_connections_leaves_the_message_unsent_for_a_later_attempt()
    {
        // A port nobody listens on: take a free one and close it again.
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var mail = new MailSender(Options.Create(new MailOptions { SmtpHost = "127.0.0.1", SmtpPort = port, UseStartTls = false }),
            _city.Get<IOptions<CstOptions>>());
        var dispatcher = new NotificationDispatcher(_city.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<CstDbContext>>(), _city.Clock, mail,
            _city.Get<NotificationEvents>(), NullLogger<NotificationDispatcher>.Instance);

        var id = await EnqueueAsync(NotificationChannel.Email, "smtp-1");
        Assert.Equal(new DispatchResult(0, 1), await dispatcher.DispatchDueAsync());
        var m = await MessageAsync(id);
        Assert.Null(m.SentAt);
        Assert.Null(m.LockedUntil);
        Assert.Equal(1, m.Attempts);
        Assert.True(m.NextAttemptAt > _city.Clock.GetUtcNow().UtcDateTime);
    }

    [Fact]
    public async Task Concurrent_dispatchers_send_each_message_once()
    {
        var user = (await _city.ActorAsync(Roles.Supervisor)).UserId!;
        for (var i = 0; i < 12; i++)
        {
            await EnqueueAsync(NotificationChannel.Email, $"c-mail-{i}");
            await EnqueueAsync(NotificationChannel.InApp, $"c-app-{i}", user);
        }
        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _city.Get<NotificationDispatcher>().DispatchDueAsync())));
        Assert.Equal(24, results.Sum(r => r.Sent));
        Assert.Equal(12, Directory.GetFiles(MailDirectory, "*.eml").Length);
        await using var db = _city.Db();
        Assert.Equal(24, await db.Outbox.CountAsync(m => m.DeduplicationKey!.StartsWith("c-") && m.Attempts == 1 && m.SentAt != null));
    }

    [Fact]
    public async Task The_bell_counts_sent_unread_in_app_messages_and_hears_about_new_ones()
    {
        var user = (await _city.ActorAsync(Roles.Supervisor)).UserId!;
        var inbox = _city.Get<NotificationService>();
        var before = await inbox.UnreadCountAsync(user);
        var heard = 0;
        using var _ = _city.Get<NotificationEvents>().Subscribe(() => { Interlocked.Increment(ref heard); return Task.CompletedTask; });

        await EnqueueAsync(NotificationChannel.InApp, "bell-1", user);
        Assert.Equal(before, await inbox.UnreadCountAsync(user)); // queued, not delivered yet
        await _city.Get<NotificationDispatcher>().DispatchDueAsync();
        Assert.Equal(before + 1, await inbox.UnreadCountAsync(user));
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref heard) > 0), TimeSpan.FromSeconds(5));
        Assert.Contains(await inbox.RecentAsync(user), n => n.Subject == "Subject bell-1" && !n.Read);

        await inbox.MarkAllReadAsync(user);
        Assert.Equal(0, await inbox.UnreadCountAsync(user));
    }
}
