namespace CstPortal.Components.Shared;

/// <summary>A marker on a <see cref="MapView"/>: its label is shown as text; Href makes it a link.</summary>
public sealed record MapPoint(double Lat, double Lng, string Label, string? Color = null, string? Href = null);
