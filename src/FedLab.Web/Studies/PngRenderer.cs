using SkiaSharp;
using Svg.Skia;

namespace FedLab.Web.Studies;

/// <summary>
/// Rasterises a study figure's SVG to PNG on the server (no browser): an opaque white background whatever the UI
/// theme, at 96 dpi (scale 1) or 300 dpi (scale 300/96), with the pHYs resolution the scale implies left to the viewer.
/// </summary>
public static class PngRenderer
{
    public static byte[] Render(string svg, double dpi = 96)
    {
        if (!(dpi >= 48 && dpi <= 600))
        {
            throw new ArgumentOutOfRangeException(nameof(dpi), $"dpi must be between 48 and 600, got {dpi}");
        }
        using var document = new SKSvg();
        var picture = document.FromSvg(svg) ?? throw new InvalidDataException("the figure's SVG could not be read");
        float scale = (float)(dpi / 96.0);
        var bounds = picture.CullRect;
        int width = Math.Max(1, (int)Math.Ceiling(bounds.Width * scale));
        int height = Math.Max(1, (int)Math.Ceiling(bounds.Height * scale));
        using var bitmap = new SKBitmap(new SKImageInfo(width, height, SKColorType.Rgba8888, SKAlphaType.Opaque));
        using (var canvas = new SKCanvas(bitmap))
        {
            canvas.Clear(SKColors.White);
            canvas.Scale(scale);
            canvas.DrawPicture(picture);
        }
        using var image = SKImage.FromBitmap(bitmap);
        using var data = image.Encode(SKEncodedImageFormat.Png, 100);
        return data.ToArray();
    }
}
