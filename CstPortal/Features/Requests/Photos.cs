using System.Security.Cryptography;
using CstPortal.Common;
using SkiaSharp;

namespace CstPortal.Features.Requests;

/// <summary>A file as a browser sent it: its name is only for messages, never trusted.</summary>
public sealed record PhotoUpload(string FileName, byte[] Content);

/// <summary>A checked photo, re-encoded (no EXIF/GPS left) and downscaled, with its thumbnail.</summary>
public sealed record ProcessedPhoto(byte[] Image, byte[] Thumbnail, int Width, int Height, string Sha256)
{
    public const string ContentType = "image/jpeg";
}

/// <summary>
/// The photo rules: decode to check (not name or claimed type), refuse huge images before decoding them,
/// re-encode as JPEG (which drops every metadata block, GPS included) at most 2048 px, and a thumbnail.
/// Pure: bytes in, bytes out.
/// </summary>
public static class PhotoRules
{
    public const int MaxFiles = 5;
    public const long MaxBytes = 10 * 1024 * 1024;
    /// <summary>Refused above this many pixels (a decompression bomb is small on disk and huge in memory).</summary>
    public const long MaxPixels = 50_000_000;
    public const int MaxEdge = 2048;
    public const int ThumbnailEdge = 320;
    private const int Quality = 85;

    public static Result<IReadOnlyList<ProcessedPhoto>> ProcessAll(IReadOnlyList<PhotoUpload>? uploads)
    {
        if (uploads is null || uploads.Count == 0) return Result<IReadOnlyList<ProcessedPhoto>>.Ok([]);
        if (uploads.Count > MaxFiles) return Result<IReadOnlyList<ProcessedPhoto>>.Fail(Texts.Get("Add at most {0} photos.", MaxFiles));
        var done = new List<ProcessedPhoto>();
        foreach (var upload in uploads)
        {
            var one = Process(upload);
            if (!one.Succeeded) return Result<IReadOnlyList<ProcessedPhoto>>.Fail(one.Error!);
            done.Add(one.Value!);
        }
        return done;
    }

    public static Result<ProcessedPhoto> Process(PhotoUpload upload)
    {
        if (!IsPlainFileName(upload.FileName))
            return Result<ProcessedPhoto>.Fail(Texts.Get("A photo's file name must be a plain name, without a folder path or control characters. Rename the file and add it again."));
        var name = string.IsNullOrWhiteSpace(upload.FileName) ? "The photo" : $"\"{upload.FileName}\"";
        if (upload.Content.Length == 0) return Result<ProcessedPhoto>.Fail(Texts.Get("{0} is empty.", name));
        if (upload.Content.Length > MaxBytes) return Result<ProcessedPhoto>.Fail(Texts.Get("{0} is larger than 10 MB. Choose a smaller photo.", name));

        using var data = SKData.CreateCopy(upload.Content);
        using var codec = SKCodec.Create(data);
        if (codec is null || codec.EncodedFormat is not (SKEncodedImageFormat.Jpeg or SKEncodedImageFormat.Png or SKEncodedImageFormat.Webp))
            return Result<ProcessedPhoto>.Fail(Texts.Get("{0} is not a JPEG, PNG or WebP image.", name));
        var info = codec.Info;
        if ((long)info.Width * info.Height > MaxPixels || info.Width <= 0 || info.Height <= 0)
            return Result<ProcessedPhoto>.Fail(Texts.Get("{0} has too many pixels ({1} × {2}). Use a photo of at most {3} megapixels.", name, info.Width, info.Height, MaxPixels / 1_000_000));

        using var decoded = new SKBitmap(new SKImageInfo(info.Width, info.Height, SKColorType.Rgba8888, SKAlphaType.Premul));
        var status = codec.GetPixels(decoded.Info, decoded.GetPixels());
        if (status is not (SKCodecResult.Success or SKCodecResult.IncompleteInput))
            return Result<ProcessedPhoto>.Fail(Texts.Get("{0} could not be read as an image.", name));

        using var upright = Orient(decoded, codec.EncodedOrigin);
        var (full, w, h) = Encode(upright, MaxEdge);
        var (thumb, _, _) = Encode(upright, ThumbnailEdge);
        return new ProcessedPhoto(full, thumb, w, h, Convert.ToHexStringLower(SHA256.HashData(full)));
    }

    /// <summary>
    /// A browser sends a file's own name only; a name with a folder in it ("../../x.jpg", "C:\\x.jpg") or control
    /// characters was made by hand. Files are stored by their hash, so it could do no harm there: it is refused so
    /// that no such name reaches a message or a log.
    /// </summary>
    public static bool IsPlainFileName(string? fileName) =>
        string.IsNullOrEmpty(fileName)
        || (fileName.Length <= 255 && fileName.IndexOfAny(['/', '\\', ':']) < 0 && fileName.Trim() is not ("." or "..")
            && !fileName.Any(char.IsControl));

    /// <summary>Turns the pixels the way the camera meant (the EXIF orientation is lost with the metadata).</summary>
    private static SKBitmap Orient(SKBitmap source, SKEncodedOrigin origin)
    {
        // The usual camera turns; the rare mirrored origins are kept as stored.
        if (origin is not (SKEncodedOrigin.BottomRight or SKEncodedOrigin.RightTop or SKEncodedOrigin.LeftBottom)) return source.Copy();
        var swap = origin is SKEncodedOrigin.RightTop or SKEncodedOrigin.LeftBottom;
        var result = new SKBitmap(swap ? source.Height : source.Width, swap ? source.Width : source.Height);
        using var canvas = new SKCanvas(result);
        switch (origin)
        {
            case SKEncodedOrigin.BottomRight: canvas.RotateDegrees(180, source.Width / 2f, source.Height / 2f); break;
            case SKEncodedOrigin.RightTop: canvas.Translate(result.Width, 0); canvas.RotateDegrees(90); break;
            case SKEncodedOrigin.LeftBottom: canvas.Translate(0, result.Height); canvas.RotateDegrees(270); break;
        }
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, 0, 0, new SKSamplingOptions(SKFilterMode.Linear));
        return result;
    }

    private static (byte[] Bytes, int Width, int Height) Encode(SKBitmap source, int maxEdge)
    {
        var scale = Math.Min(1.0, (double)maxEdge / Math.Max(source.Width, source.Height));
        var w = Math.Max(1, (int)Math.Round(source.Width * scale));
        var h = Math.Max(1, (int)Math.Round(source.Height * scale));
        using var surface = SKSurface.Create(new SKImageInfo(w, h, SKColorType.Rgba8888, SKAlphaType.Premul));
        var canvas = surface.Canvas;
        canvas.Clear(SKColors.White); // transparent PNG areas become white in the JPEG
        using var image = SKImage.FromBitmap(source);
        canvas.DrawImage(image, new SKRect(0, 0, w, h), new SKSamplingOptions(SKCubicResampler.Mitchell));
        using var snapshot = surface.Snapshot();
        using var encoded = snapshot.Encode(SKEncodedImageFormat.Jpeg, Quality);
        return (encoded.ToArray(), w, h);
    }
}

/// <summary>
/// Where photo files live, named by the SHA-256 of their content. Every node of a cluster must reach the same store,
/// so the app only ever talks to this interface: a shared directory today, an object store can follow.
/// Photos are never served as static files; the photo endpoint opens them after checking the viewer.
/// </summary>
public interface IEvidenceStore
{
    /// <summary>Stores the photo and its thumbnail; storing the same content again changes nothing.</summary>
    Task SaveAsync(ProcessedPhoto photo, CancellationToken ct = default);

    /// <summary>The photo (or its thumbnail) to read, or null when the store has no such file. The caller disposes it.</summary>
    Task<Stream?> OpenAsync(string sha256, bool thumbnail, CancellationToken ct = default);
}

/// <summary>
/// Photo files in one directory (Cst:Evidence:Directory, default the data directory's evidence/ folder). On a
/// cluster every node mounts the same directory (NFS, a shared volume). Writes go to a temporary name first and
/// are renamed into place, so a reader on another node never sees half a file.
/// </summary>
public sealed class DirectoryEvidenceStore(string folder) : IEvidenceStore
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public async Task SaveAsync(ProcessedPhoto photo, CancellationToken ct = default)
    {
        Directory.CreateDirectory(Folder);
        await WriteOnceAsync(PathOf(photo.Sha256, thumbnail: false), photo.Image, ct);
        await WriteOnceAsync(PathOf(photo.Sha256, thumbnail: true), photo.Thumbnail, ct);
    }

    public Task<Stream?> OpenAsync(string sha256, bool thumbnail, CancellationToken ct = default)
    {
        var path = PathOf(sha256, thumbnail);
        if (!File.Exists(path)) return Task.FromResult<Stream?>(null);
        try
        {
            return Task.FromResult<Stream?>(new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read | FileShare.Delete, 64 * 1024, useAsync: true));
        }
        catch (FileNotFoundException)
        {
            return Task.FromResult<Stream?>(null); // deleted between the check and the open
        }
    }

    private string PathOf(string sha256, bool thumbnail)
    {
        if (sha256.Length != 64 || !sha256.All(Uri.IsHexDigit)) throw new ArgumentException("Not a SHA-256 name.", nameof(sha256));
        return Path.Combine(Folder, sha256.ToLowerInvariant() + (thumbnail ? ".thumb.jpg" : ".jpg"));
    }

    private static async Task WriteOnceAsync(string path, byte[] bytes, CancellationToken ct)
    {
        if (File.Exists(path)) return; // same content, same name: already stored
        var temp = path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        await File.WriteAllBytesAsync(temp, bytes, ct);
        File.Move(temp, path, overwrite: true);
    }
}
