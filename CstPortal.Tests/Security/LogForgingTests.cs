using System.Collections.Concurrent;
using System.Net;
using CstPortal.Common;
using CstPortal.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CstPortal.Tests.Security;

public class LogSafeTests
{
    [Theory]
    [InlineData("a\r\nb", "a\\r\\nb")]
    [InlineData("a\nb", "a\\nb")]
    [InlineData("a\rb", "a\\rb")]
    [InlineData("a\u0085b", "a\\u0085b")]
    [InlineData("a\u2028b\u2029c", "a\\u2028b\\u2029c")]
    [InlineData("a\u001b[31mred", "a\\u001b[31mred")]
    [InlineData("a\u202egnp.exe", "a\\u202egnp.exe")]
    [InlineData("plain@riverton.example", "plain@riverton.example")]
    public void Line_breaks_and_control_characters_become_visible_escapes(string input, string logged) =>
        Assert.Equal(logged, LogSafe.Value(input));

    [Fact]
    public void A_very_long_value_is_cut()
    {
        var logged = LogSafe.Value(new string('x', 10_000));
        Assert.Equal(LogSafe.MaxLength + 1, logged.Length);
        Assert.EndsWith("…", logged);
    }

    [Fact]
    public void A_forged_log_line_stays_on_the_one_line_it_was_written_on()
    {
        var forged = "bob@example.org\r\n2026-11-24 05:00:00 info: CstPortal[0] User admin@riverton.example logged in.";
        var logged = LogSafe.Value(forged);
        Assert.DoesNotContain('\r', logged);
        Assert.DoesNotContain('\n', logged);
    }
}

/// <summary>The app, with every log message it writes kept for the test to read.</summary>
public sealed class LogCapturingAppFactory : CstAppFactory
{
    public ConcurrentQueue<string> Messages { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureServices(s => s.AddLogging(l => l.AddProvider(new Sink(Messages))));
    }

    private sealed class Sink(ConcurrentQueue<string> messages) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            messages.Enqueue(formatter(state, exception));
        public void Dispose() { }
    }
}

public class LogForgingTests(LogCapturingAppFactory factory) : IClassFixture<LogCapturingAppFactory>
{
    [Theory]
    [InlineData("mallory\u2028info:User-admin-logged-in@example.org", "\\u2028")]
    [InlineData("mallory\u0085info:User-admin-logged-in@example.org", "\\u0085")]
    public async Task A_failed_sign_in_with_a_line_break_in_the_email_is_logged_on_one_line(string email, string escape)
    {
        var client = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        var fields = HttpSignInForm.Hidden(await client.GetStringAsync("/Account/Login"));
        fields["Input.Email"] = email;
        fields["Input.Password"] = "wrong password";
        using var response = await client.PostAsync("/Account/Login", new FormUrlEncodedContent(fields));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        var line = Assert.Single(factory.Messages, m => m.StartsWith("Failed sign-in for mallory", StringComparison.Ordinal) && m.Contains(escape));
        Assert.DoesNotContain(line, c => c is '\r' or '\n' or '\u0085' or '\u2028' or '\u2029');
        Assert.DoesNotContain(factory.Messages, m => m.StartsWith("info:User-admin", StringComparison.Ordinal));
    }
}
