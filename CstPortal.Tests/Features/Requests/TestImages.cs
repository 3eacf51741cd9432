using System.Buffers.Binary;
using System.Text;
using SkiaSharp;

namespace CstPortal.Tests.Features.Requests;

/// <summary>Images made in code for the photo tests: plain ones, one with GPS EXIF written by hand, a decompression bomb header.</summary>
public static class TestImages
{
    public static byte[] Encode(int width, int height, SKEncodedImageFormat format = SKEncodedImageFormat.Jpeg)
    {
        using var bitmap = new SKBitmap(width, height);
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(new SKColor(90, 120, 160));
            using var paint = new SKPaint { Color = SKColors.Orange };
            canvas.DrawCircle(width / 2f, height / 2f, Math.Min(width, height) / 3f, paint);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(format, 90);
        return data.ToArray();
    }

    /// <summary>A JPEG with an APP1 EXIF segment holding a GPS IFD (latitude N 51° 30' 12.34").</summary>
    public static byte[] JpegWithGpsExif()
    {
        var jpeg = Encode(400, 300);
        var tiff = new List<byte>();
        tiff.AddRange("MM"u8.ToArray());
        tiff.AddRange(U16(42));
        tiff.AddRange(U32(8));
        // IFD0 at 8: one entry, GPSInfo (0x8825) pointing at the GPS IFD at 26.
        tiff.AddRange(U16(1));
        tiff.AddRange(Entry(0x8825, 4, 1, 26));
        tiff.AddRange(U32(0));
        // GPS IFD at 26: GPSLatitudeRef "N", GPSLatitude three rationals at 56.
        tiff.AddRange(U16(2));
        tiff.AddRange(U16(0x0001)); tiff.AddRange(U16(2)); tiff.AddRange(U32(2)); tiff.AddRange("N\0\0\0"u8.ToArray());
        tiff.AddRange(Entry(0x0002, 5, 3, 56));
        tiff.AddRange(U32(0));
        foreach (var (n, d) in new[] { (51u, 1u), (30u, 1u), (1234u, 100u) }) { tiff.AddRange(U32(n)); tiff.AddRange(U32(d)); }

        var payload = Encoding.ASCII.GetBytes("Exif\0\0").Concat(tiff).ToArray();
        var segment = new List<byte> { 0xFF, 0xE1 };
        segment.AddRange(U16((ushort)(payload.Length + 2)));
        segment.AddRange(payload);
        // Right after the start-of-image marker, where cameras put it.
        return [.. jpeg[..2], .. segment, .. jpeg[2..]];
    }

    /// <summary>A PNG whose header claims 20,000 × 20,000 pixels: tiny on disk, 1.6 GB once decoded.</summary>
    public static byte[] PngClaiming(int width, int height)
    {
        var png = new List<byte> { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A };
        var ihdr = new List<byte>();
        ihdr.AddRange(U32((uint)width)); ihdr.AddRange(U32((uint)height));
        ihdr.AddRange(new byte[] { 8, 6, 0, 0, 0 }); // 8-bit RGBA
        png.AddRange(Chunk("IHDR", [.. ihdr]));
        png.AddRange(Chunk("IDAT", [0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01]));
        png.AddRange(Chunk("IEND", []));
        return [.. png];
    }

    public static bool ContainsExif(byte[] jpeg) => IndexOf(jpeg, "Exif\0\0"u8.ToArray()) >= 0;

    public static int IndexOf(byte[] haystack, byte[] needle)
    {
        for (var i = 0; i <= haystack.Length - needle.Length; i++)
            if (haystack.AsSpan(i, needle.Length).SequenceEqual(needle)) return i;
        return -1;
    }

    private static byte[] Chunk(string type, byte[] data)
    {
        var typeBytes = Encoding.ASCII.GetBytes(type);
        return [.. U32((uint)data.Length), .. typeBytes, .. data, .. U32(Crc32([.. typeBytes, .. data]))];
    }

    private static uint Crc32(byte[] bytes)
    {
        var crc = 0xFFFFFFFFu;
        foreach (var b in bytes)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++) crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
        }
        return ~crc;
    }

    private static byte[] Entry(ushort tag, ushort type, uint count, uint value) => [.. U16(tag), .. U16(type), .. U32(count), .. U32(value)];

    private static byte[] U16(ushort v) { var b = new byte[2]; BinaryPrimitives.WriteUInt16BigEndian(b, v); return b; }

    private static byte[] U32(uint v) { var b = new byte[4]; BinaryPrimitives.WriteUInt32BigEndian(b, v); return b; }
}
