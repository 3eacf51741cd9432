using CstPortal.Common;
using CstPortal.Features.Requests;
using CstPortal.Tests.Features.Requests;
using CstPortal.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CstPortal.Tests.Features.Cluster;

/// <summary>Photo files in a directory every node reaches (Cst:Evidence:Directory).</summary>
public sealed class EvidenceStoreTests : IDisposable
{
    private readonly string _shared = TestCity.NewTempDirectory();

    private static ProcessedPhoto Photo() => PhotoRules.Process(new PhotoUpload("p.jpg", TestImages.Encode(400, 300))).Value!;

    [Fact]
    public async Task A_photo_saved_by_one_node_is_opened_by_another_node_on_the_same_directory()
    {
        var photo = Photo();
        await new DirectoryEvidenceStore(_shared).SaveAsync(photo);
        await new DirectoryEvidenceStore(_shared).SaveAsync(photo); // the same content again: nothing changes

        var otherNode = new DirectoryEvidenceStore(_shared);
        await using (var image = await otherNode.OpenAsync(photo.Sha256, thumbnail: false))
        {
            Assert.NotNull(image);
            using var copy = new MemoryStream();
            await image.CopyToAsync(copy);
            Assert.Equal(photo.Image, copy.ToArray());
        }
        await using (var thumbnail = await otherNode.OpenAsync(photo.Sha256, thumbnail: true))
            Assert.Equal(photo.Thumbnail.Length, thumbnail!.Length);
        Assert.Equal(2, Directory.GetFiles(_shared).Length); // no temporary file left behind
    }

    [Fact]
    public async Task A_missing_photo_is_null_and_a_name_that_is_not_a_hash_is_refused()
    {
        var store = new DirectoryEvidenceStore(_shared);
        Assert.Null(await store.OpenAsync(new string('a', 64), thumbnail: false));
        await Assert.ThrowsAsync<ArgumentException>(() => store.OpenAsync("../../etc/passwd", thumbnail: false));
    }

    [Fact]
    public void The_store_is_the_configured_shared_directory_or_the_data_directorys_evidence_folder()
    {
        Assert.Equal(Path.Combine(_shared, "evidence"), StoreFolder(new Dictionary<string, string?>()));
        var elsewhere = Path.Combine(_shared, "nfs", "cst-evidence");
        Assert.Equal(elsewhere, StoreFolder(new Dictionary<string, string?> { ["Cst:Evidence:Directory"] = elsewhere }));
    }

    private string StoreFolder(Dictionary<string, string?> settings)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddSingleton(TimeProvider.System);
        services.AddCstFeatures();
        services.Configure<CstOptions>(o => o.DataDirectory = _shared);
        using var provider = services.BuildServiceProvider();
        return Assert.IsType<DirectoryEvidenceStore>(provider.GetRequiredService<IEvidenceStore>()).Folder;
    }

    public void Dispose()
    {
        try { Directory.Delete(_shared, recursive: true); } catch (IOException) { }
    }
}
