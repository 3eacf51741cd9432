namespace CstPortal.Features.Addresses;

/// <summary>
/// One entry of the city's address register: an address as people write it and the point it stands for. The register
/// lets a citizen (or an Open311 client) give a location by address text instead of a pin; admins load it from a CSV
/// file (<see cref="AddressRegister.ImportAsync"/>).
/// </summary>
public sealed class AddressPoint
{
    public const int MaxText = 200;

    public int Id { get; private set; }
    public string Text { get; private set; } = "";
    /// <summary>The text in its search form (<see cref="AddressText.Key"/>); unique in the register.</summary>
    public string SearchKey { get; private set; } = "";
    public double Latitude { get; private set; }
    public double Longitude { get; private set; }

    private AddressPoint() { }

    public AddressPoint(string text, double latitude, double longitude)
    {
        Text = text.Trim();
        SearchKey = AddressText.Key(Text);
        Latitude = Math.Round(latitude, 6);
        Longitude = Math.Round(longitude, 6);
    }
}
