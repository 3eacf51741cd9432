using CstPortal.Features.Requests;
using SkiaSharp;

namespace CstPortal.Tests.Features.Requests;

public class PhotoRulesTests
{
    [Fact]
    public void A_program_renamed_to_jpg_is_refused_because_it_does_not_decode()
    {
        var exe = new byte[4096];
        "MZ"u8.CopyTo(exe);
        exe[0x3C] = 0x80;
        "PE\0\0"u8.CopyTo(exe.AsSpan(0x80));

        var result = PhotoRules.Process(new PhotoUpload("holiday.jpg", exe));

        Assert.False(result.Succeeded);
        Assert.Equal("\"holiday.jpg\" is not a JPEG, PNG or WebP image.", result.Error);
    }

    [Fact]
    public void An_image_with_too_many_pixels_is_refused_before_it_is_decoded()
    {
        var bomb = TestImages.PngClaiming(20_000, 20_000);
        Assert.True(bomb.Length < 200);

        var result = PhotoRules.Process(new PhotoUpload("bomb.png", bomb));

        Assert.False(result.Succeeded);
        Assert.Contains("too many pixels (20000 × 20000)", result.Error);
    }

    [Fact]
    public void A_file_over_10_MB_is_refused()
    {
        var result = PhotoRules.Process(new PhotoUpload("big.jpg", new byte[PhotoRules.MaxBytes + 1]));

        Assert.False(result.Succeeded);
        Assert.Contains("larger than 10 MB", result.Error);
    }

    [Fact]
    public void A_jpeg_with_gps_exif_comes_out_without_any_metadata()
    {
        var withGps = TestImages.JpegWithGpsExif();
        Assert.True(TestImages.ContainsExif(withGps));
        using (var check = SKCodec.Create(SKData.CreateCopy(withGps))) Assert.NotNull(check); // the EXIF is well-formed enough to decode

        var result = PhotoRules.Process(new PhotoUpload("street.jpg", withGps));

        Assert.True(result.Succeeded, result.Error);
        var clean = result.Value!.Image;
        Assert.False(TestImages.ContainsExif(clean));
        Assert.Equal(-1, TestImages.IndexOf(clean, [0xFF, 0xE1])); // no APP1 segment at all
        Assert.Equal((400, 300), (result.Value.Width, result.Value.Height));
        using var codec = SKCodec.Create(SKData.CreateCopy(clean));
        Assert.Equal(SKEncodedImageFormat.Jpeg, codec.EncodedFormat);
    }

    [Theory]
    [InlineData(SKEncodedImageFormat.Png)]
    [InlineData(SKEncodedImageFormat.Webp)]
    [InlineData(SKEncodedImageFormat.Jpeg)]
    public void Large_photos_are_downscaled_to_2048_px_with_a_thumbnail(SKEncodedImageFormat format)
    {
        var result = PhotoRules.Process(new PhotoUpload("wide", TestImages.Encode(3000, 1500, format)));

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal((2048, 1024), (result.Value!.Width, result.Value.Height));
        using var thumb = SKBitmap.Decode(result.Value.Thumbnail);
        Assert.Equal(PhotoRules.ThumbnailEdge, Math.Max(thumb.Width, thumb.Height));
        Assert.Equal(64, result.Value.Sha256.Length);
    }

    [Fact]
    public void More_than_five_photos_are_refused()
    {
        var photo = new PhotoUpload("p.jpg", TestImages.Encode(50, 50));

        var result = PhotoRules.ProcessAll(Enumerable.Repeat(photo, 6).ToList());

        Assert.False(result.Succeeded);
        Assert.Equal("Add at most 5 photos.", result.Error);
    }
}
