using System.Text;
using CstPortal.Common;
using CstPortal.Data;
using CstPortal.Features.ApiKeys;
using CstPortal.Features.Open311;
using CstPortal.Features.Requests;
using CstPortal.Tests.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using SkiaSharp;

namespace CstPortal.Tests.Security;

/// <summary>
/// Hostile files through every way a photo gets in: a new report, "add my report to this one", and photos added
/// to an existing request (the citizen pages call exactly these service methods). Each is refused with a message
/// and nothing is stored: no request, no photo row, no supporter, no audit entry, no file in the data directory.
/// Open311 takes media as a link only (media_url), so its attack is a hostile link.
/// </summary>
public class UploadAttackTests : IAsyncLifetime
{
    private TestCity _city = default!;
    private CitizenService _citizen = default!;
    private int _potholeId;

    public async Task InitializeAsync()
    {
        _city = await TestCity.CreateAsync();
        _citizen = _city.Get<CitizenService>();
        _potholeId = (await _city.Get<RequestService>().CategoriesAsync()).Single(c => c.Name == "Pothole").Id;
    }

    public async Task DisposeAsync() => await _city.DisposeAsync();

    public static TheoryData<string, string> Attacks() => new()
    {
        { "elf", "is not a JPEG, PNG or WebP image" },
        { "pe", "is not a JPEG, PNG or WebP image" },
        { "pixel-bomb", "has too many pixels (50000 × 50000)" },
        { "oversized", "is larger than 10 MB" },
        { "path", "must be a plain name, without a folder path" },
        { "windows-path", "must be a plain name, without a folder path" },
        { "control-characters", "must be a plain name" },
        { "svg-script", "is not a JPEG, PNG or WebP image" },
        { "html-as-jpeg", "is not a JPEG, PNG or WebP image" },
        { "empty", "is empty" },
    };

    private static PhotoUpload Attack(string kind) => kind switch
    {
        "elf" => new("photo.jpg", [0x7F, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1, 0, .. new byte[4088]]),
        "pe" => new("photo.jpg", PortableExecutable()),
        "pixel-bomb" => new("bomb.png", TestImages.PngClaiming(50_000, 50_000)),
        // A real JPEG padded past the limit: it would decode, so only the size check stops it.
        "oversized" => new("huge.jpg", [.. TestImages.Encode(64, 64), .. new byte[PhotoRules.MaxBytes]]),
        "path" => new("../../x.jpg", TestImages.Encode(64, 64)),
        "windows-path" => new(@"..\..\evidence\x.jpg", TestImages.Encode(64, 64)),
        "control-characters" => new("x.jpg\r\nINFO forged log line", TestImages.Encode(64, 64)),
        "svg-script" => new("drawing.svg", Encoding.UTF8.GetBytes(
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"10\" height=\"10\"><script>alert(document.cookie)</script><rect width=\"10\" height=\"10\"/></svg>")),
        "html-as-jpeg" => new("photo.jpg", "<html><body><script>alert(1)</script></body></html>"u8.ToArray()),
        "empty" => new("photo.jpg", []),
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static byte[] PortableExecutable()
    {
        var exe = new byte[4096];
        "MZ"u8.CopyTo(exe);
        exe[0x3C] = 0x80;
        "PE\0\0"u8.CopyTo(exe.AsSpan(0x80));
        return exe;
    }

    private SubmitInput Report(params PhotoUpload[] photos) =>
        new(_potholeId, "Pothole with a photo", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, "Fountain square",
            new Dictionary<string, string> { ["size"] = "small" }, null, photos);

    private Task<StateSnapshot> SnapshotAsync() => StateSnapshot.TakeAsync(_city.Get<IDbContextFactory<CstDbContext>>(), _city.Directory);

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_hostile_file_in_a_new_report_is_refused_and_nothing_is_stored(string kind, string message)
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var before = await SnapshotAsync();

        var result = await _citizen.SubmitAsync(Report(new PhotoUpload("fine.jpg", TestImages.Encode(200, 150)), Attack(kind)), citizen, "10.9.0.1");

        Assert.False(result.Succeeded);
        Assert.Contains(message, result.Error);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [MemberData(nameof(Attacks))]
    public async Task A_hostile_file_added_to_an_existing_request_or_a_join_is_refused_and_nothing_is_stored(string kind, string message)
    {
        var citizen = await _city.ActorAsync(Roles.Citizen);
        var own = await _city.ReportPotholeAsync(citizen, "Pothole the reporter adds photos to");
        var other = await _city.ReportPotholeAsync(await _city.ActorAsync(Roles.Dispatcher), "Someone else's pothole to join");
        var before = await SnapshotAsync();

        var added = await _citizen.AddPhotosAsync(own.Number, null, [Attack(kind)], citizen, "10.9.0.2");
        var joined = await _citizen.JoinAsync(other.Number, new JoinInput(Photos: [Attack(kind)]), citizen, "10.9.0.3");

        Assert.False(added.Succeeded);
        Assert.Contains(message, added.Error);
        Assert.False(joined.Succeeded);
        Assert.Contains(message, joined.Error);
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task A_stored_photo_carries_no_exif_and_no_gps()
    {
        var withGps = TestImages.JpegWithGpsExif();
        Assert.True(TestImages.ContainsExif(withGps));
        var citizen = await _city.ActorAsync(Roles.Citizen);

        var result = await _citizen.SubmitAsync(Report(new PhotoUpload("street.jpg", withGps)), citizen, "10.9.0.4");

        Assert.True(result.Succeeded, result.Error);
        await using var db = _city.Db();
        var stored = await db.Evidence.AsNoTracking().Where(e => db.Requests.Any(r => r.Id == e.ServiceRequestId && r.Number == result.Value!.Number)).SingleAsync();
        var evidence = _city.Get<IEvidenceStore>();
        foreach (var thumbnail in new[] { false, true })
        {
            await using var file = await evidence.OpenAsync(stored.Sha256, thumbnail) ?? throw new InvalidOperationException("stored photo missing");
            using var copy = new MemoryStream();
            await file.CopyToAsync(copy);
            var bytes = copy.ToArray();
            Assert.False(TestImages.ContainsExif(bytes));
            Assert.Equal(-1, TestImages.IndexOf(bytes, [0xFF, 0xE1])); // no APP1 (EXIF/XMP) segment at all
            Assert.Equal(-1, TestImages.IndexOf(bytes, "GPS"u8.ToArray()));
            using var codec = SKCodec.Create(SKData.CreateCopy(bytes));
            Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
        }
    }

    [Theory]
    [InlineData("javascript:alert(document.cookie)")]
    [InlineData("file:///etc/passwd")]
    [InlineData("data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+")]
    [InlineData("../../evidence/x.jpg")]
    [InlineData("ftp://example.org/x.jpg")]
    public async Task Open311_takes_media_only_as_an_http_link_and_refuses_any_other(string mediaUrl)
    {
        var before = await SnapshotAsync();
        var post = new Open311Post("pothole", Scenario.CityCentre.Lat, Scenario.CityCentre.Lng, null, "Pothole by the bus stop", null, mediaUrl,
            new Dictionary<string, string> { ["size"] = "large" }, "hash");

        var outcome = await _city.Get<Open311Service>().SubmitAsync(post, new ApiCaller(1, "test key", null, null), Guid.NewGuid().ToString("N"));

        Assert.Equal(400, outcome.Error?.Code);
        Assert.Contains("media_url must be an absolute http or https link", outcome.Error!.Description);
        Assert.Equal(before, await SnapshotAsync());
    }
}
