namespace CstPortal;

/// <summary>Marker type for the shared user-facing strings in Resources/SharedResource.*.resx.</summary>
public sealed class SharedResource;
