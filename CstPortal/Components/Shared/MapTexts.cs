using CstPortal.Common;

namespace CstPortal.Components.Shared;

/// <summary>
/// What a map shows in words of its own (Leaflet's zoom buttons, the pin's title, the tiles' attribution), in the
/// reader's language. Every map passes these to cst-map.js's <c>create</c> as <c>options.texts</c>.
/// </summary>
public sealed record MapTexts(string ZoomIn, string ZoomOut, string Marker, string Attribution)
{
    /// <summary>The texts in the current UI culture; the attribution has {0} where the OpenStreetMap link goes.</summary>
    public static MapTexts Current => new(Texts.Get("Zoom in"), Texts.Get("Zoom out"), Texts.Get("Location"), Texts.Get("© {0} contributors"));
}
