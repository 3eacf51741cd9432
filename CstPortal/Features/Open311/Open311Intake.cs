using System.Threading.Channels;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;

namespace CstPortal.Features.Open311;

/// <summary>
/// Open311 submissions by group commit. Posts queue here; one writer takes everything waiting (up to
/// <see cref="MaxBatch"/>) and writes it in one transaction: each post's idempotency claim, its request through
/// <see cref="RequestService.WriteAsync"/> (the citizen path's rules, SLA due times and audit links, in order) and its
/// submission row with the number. One commit, one fsync, for the whole batch; each caller is answered only after it.
/// A post that fails its checks fails alone; a batch that fails as a whole (a database error) is written again one post
/// to a transaction, so only the post at fault fails. One writer per node: on PostgreSQL the audit chain's lock orders
/// the nodes' transactions, and the unique (key, Idempotency-Key) index settles a race between nodes.
/// </summary>
public sealed class Open311Intake(IDbContextFactory<CstDbContext> dbFactory, RequestService requests, TimeProvider clock, ILogger<Open311Intake> log)
    : IAsyncDisposable
{
    /// <summary>At most this many posts to a transaction.</summary>
    public const int MaxBatch = 256;
    /// <summary>Posts waiting beyond this many make their callers wait to queue (back-pressure, bounded memory).</summary>
    public const int QueueCapacity = 4096;
    /// <summary>A claim without a request (left by an earlier version that claimed keys in a transaction of their own) is released after this.</summary>
    public static readonly TimeSpan AbandonedClaimAge = TimeSpan.FromMinutes(5);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(QueueCapacity)
    {
        SingleReader = true, FullMode = BoundedChannelFullMode.Wait,
    });
    private readonly Lock _startGate = new();
    private Task? _writer;

    /// <summary>Posts queued and not yet taken by the writer.</summary>
    public int Waiting => _queue.Reader.Count;

    /// <summary>A checked post waiting for the writer, and how its caller is answered.</summary>
    private sealed record Pending(Open311Post Post, ApiCaller Caller, string? IdempotencyKey, string Culture)
    {
        public string Token { get; } = Guid.NewGuid().ToString("N");
        public TaskCompletionSource<Open311Outcome<Open311Receipt>> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Queues a post (its form already checked) and answers once the transaction that holds it is committed.</summary>
    public async Task<Open311Outcome<Open311Receipt>> SubmitAsync(Open311Post post, ApiCaller caller, string? idempotencyKey, CancellationToken ct = default)
    {
        EnsureWriter();
        var pending = new Pending(post, caller, idempotencyKey, Cultures.Current);
        await _queue.Writer.WriteAsync(pending, ct);
        // Once queued the post is written whatever the caller does; a caller who stops waiting is simply not answered.
        return await pending.Answer.Task.WaitAsync(ct);
    }

    private void EnsureWriter()
    {
        if (_writer is not null) return;
        lock (_startGate) _writer ??= Task.Run(WriteLoopAsync);
    }

    private async Task WriteLoopAsync()
    {
        var reader = _queue.Reader;
        var carried = new List<Pending>();
        while (carried.Count > 0 || await reader.WaitToReadAsync())
        {
            var batch = carried;
            while (batch.Count < MaxBatch && reader.TryRead(out var next)) batch.Add(next);
            carried = await WriteOrSplitAsync(batch);
        }
    }

    /// <summary>Writes a batch; if it fails as a whole, each post again in a transaction of its own. Returns the posts for the next batch.</summary>
    private async Task<List<Pending>> WriteOrSplitAsync(List<Pending> batch)
    {
        try
        {
            return await WriteBatchAsync(batch);
        }
        catch (Exception ex) when (batch.Count > 1)
        {
            log.LogWarning(ex, "An Open311 batch of {Count} could not be written; writing its posts one by one", batch.Count);
        }
        catch (Exception ex)
        {
            // One post alone: a unique-index race with another node's transaction leaves the key taken, so a second try replays it.
            log.LogWarning(ex, "An Open311 post could not be written; trying it once more");
            try { return await WriteBatchAsync(batch); }
            catch (Exception again)
            {
                log.LogError(again, "An Open311 post could not be written");
                batch[0].Answer.TrySetException(again);
                return [];
            }
        }
        var carried = new List<Pending>();
        foreach (var pending in batch) carried.AddRange(await WriteOrSplitAsync([pending]));
        return carried;
    }

    /// <summary>
    /// One transaction for the batch. A post whose Idempotency-Key another post of the batch already carries waits for the
    /// next batch, where it meets the first one's committed row (or, if the first failed, goes through itself), exactly as
    /// if they had come one after the other. Answers are given only after the commit.
    /// </summary>
    private async Task<List<Pending>> WriteBatchAsync(List<Pending> batch)
    {
        var now = clock.GetUtcNow().UtcDateTime;
        var answers = new List<(Pending Pending, Open311Outcome<Open311Receipt> Outcome)>();
        var carried = new List<Pending>();
        var written = new List<(Pending Pending, int WorkIndex)>();
        var works = new List<SubmitWork>();

        await using var db = await dbFactory.CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();

        var earlier = await EarlierSubmissionsAsync(db, batch);
        var codes = batch.Select(p => p.Post.ServiceCode!).Distinct().ToList();
        var categoryIds = await db.Categories.AsNoTracking().Where(c => codes.Contains(c.ServiceCode) && c.IsActive)
            .ToDictionaryAsync(c => c.ServiceCode, c => c.Id);
        var keysInBatch = new HashSet<(int, string)>();
        var replays = new List<(Pending Pending, Open311Submission Earlier)>();
        foreach (var pending in batch)
        {
            if (pending.IdempotencyKey is { } key)
            {
                if (!keysInBatch.Add((pending.Caller.KeyId, key))) { carried.Add(pending); continue; }
                if (earlier.GetValueOrDefault((pending.Caller.KeyId, key)) is { } first)
                {
                    // A claim never completed is released after a while, so the key is not stuck.
                    if (first is { RequestNumber: null } && first.CreatedAt < now - AbandonedClaimAge)
                        await db.Open311Submissions.Where(s => s.Id == first.Id && s.RequestNumber == null).ExecuteDeleteAsync();
                    else
                    {
                        replays.Add((pending, first));
                        continue;
                    }
                }
            }
            if (!categoryIds.TryGetValue(pending.Post.ServiceCode!, out var categoryId))
            {
                answers.Add((pending, new Open311Error(404, $"There is no service with service_code \"{pending.Post.ServiceCode}\".")));
                continue;
            }
            var work = Cultures.With(pending.Culture, () => RequestService.Check(Input(pending.Post, categoryId), pending.Caller.ToActor(),
                (db, request) => RecordAsync(db, pending, request, now)));
            if (!work.Succeeded)
            {
                answers.Add((pending, new Open311Error(400, work.Error!)));
                continue;
            }
            written.Add((pending, works.Count));
            works.Add(work.Value!);
        }

        var outcomes = works.Count == 0 ? [] : await requests.WriteAsync(db, works);
        answers.AddRange(await ReplayAsync(db, replays));
        await tx.CommitAsync();

        // Committed: from here on nothing may throw, or the batch would be written again.
        foreach (var (pending, index) in written)
        {
            var outcome = outcomes[index];
            answers.Add((pending, outcome.Succeeded
                ? new Open311Receipt(outcome.Value!.Number, pending.Token, Open311Service.Notice(outcome.Value.ResolutionDueAt))
                : new Open311Error(400, outcome.Error!)));
        }
        foreach (var (pending, outcome) in answers) pending.Answer.TrySetResult(outcome);
        foreach (var outcome in outcomes.Where(o => o.Succeeded))
        {
            try { requests.PublishSubmitted(outcome.Value!); }
            catch (Exception ex) { log.LogWarning(ex, "Open pages were not told about {Number}", outcome.Value!.Number); }
        }
        return carried;
    }

    private static SubmitInput Input(Open311Post post, int categoryId) =>
        new(categoryId, post.Description ?? "", post.Latitude!.Value, post.Longitude!.Value,
            string.IsNullOrWhiteSpace(post.AddressString) ? null : post.AddressString.Trim(), post.Attributes,
            AnonymousEmail: string.IsNullOrWhiteSpace(post.Email) ? null : post.Email);

    /// <summary>The submission row, with its request's number, in the request's own transaction: after a crash a key has both or neither.</summary>
    private static Task RecordAsync(CstDbContext db, Pending pending, ServiceRequest request, DateTime now)
    {
        db.Open311Submissions.Add(new Open311Submission
        {
            Token = pending.Token, ApiKeyId = pending.Caller.KeyId, IdempotencyKey = pending.IdempotencyKey, BodyHash = pending.Post.BodyHash,
            MediaUrl = string.IsNullOrWhiteSpace(pending.Post.MediaUrl) ? null : pending.Post.MediaUrl.Trim(), CreatedAt = now,
            RequestNumber = request.Number,
        });
        return Task.CompletedTask;
    }

    /// <summary>The submissions already stored under the batch's Idempotency-Keys, by (API key, Idempotency-Key).</summary>
    private static async Task<Dictionary<(int, string), Open311Submission>> EarlierSubmissionsAsync(CstDbContext db, List<Pending> batch)
    {
        var keys = batch.Where(p => p.IdempotencyKey is not null).Select(p => p.IdempotencyKey!).Distinct().ToList();
        if (keys.Count == 0) return [];
        var callers = batch.Select(p => p.Caller.KeyId).Distinct().ToList();
        var rows = await db.Open311Submissions.AsNoTracking()
            .Where(s => s.IdempotencyKey != null && keys.Contains(s.IdempotencyKey) && callers.Contains(s.ApiKeyId)).ToListAsync();
        return rows.ToDictionary(s => (s.ApiKeyId, s.IdempotencyKey!));
    }

    /// <summary>Answers for posts whose Idempotency-Key was used before: the first answer again, or why not.</summary>
    private static async Task<List<(Pending, Open311Outcome<Open311Receipt>)>> ReplayAsync(CstDbContext db, List<(Pending Pending, Open311Submission Earlier)> replays)
    {
        if (replays.Count == 0) return [];
        var numbers = replays.Where(r => r.Earlier.RequestNumber is not null).Select(r => r.Earlier.RequestNumber!).Distinct().ToList();
        var due = await db.Requests.AsNoTracking().Where(r => numbers.Contains(r.Number))
            .Select(r => new { r.Number, r.ResolutionDueAt }).ToDictionaryAsync(r => r.Number, r => r.ResolutionDueAt);
        return replays.Select(r => (r.Pending, r.Pending.Post.BodyHash != r.Earlier.BodyHash
            ? new Open311Error(400, "This Idempotency-Key was already used with a different request. Use a new key for a new request.")
            : r.Earlier.RequestNumber is null
                ? new Open311Error(400, "A request with this Idempotency-Key is still being created. Try again in a moment.")
                : (Open311Outcome<Open311Receipt>)new Open311Receipt(r.Earlier.RequestNumber, r.Earlier.Token, Open311Service.Notice(due.GetValueOrDefault(r.Earlier.RequestNumber)))))
            .ToList();
    }

    /// <summary>Writes what is queued, then stops (the host is stopping).</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        if (_writer is { } writer) await writer;
    }
}
