namespace CstPortal.Features.Geo;

/// <summary>
/// The open requests of one <see cref="GeoGrid"/> cell, per category, for the city-wide heat feed: a row per
/// (category, cell) plus a row per cell with <see cref="CategoryId"/> = <see cref="AllCategories"/> for every category
/// together. Written only by the database itself (triggers on ServiceRequests, see Data/OpenRequestCellsSql.cs), so every
/// write path keeps it exact; the app only reads it. Rows whose requests all closed stay with a count of 0.
/// </summary>
public sealed class OpenRequestCell
{
    /// <summary>The <see cref="CategoryId"/> of the rows that count every category.</summary>
    public const int AllCategories = 0;

    public int CategoryId { get; private set; }
    public long GridCell { get; private set; }
    public int Count { get; private set; }
    public double SumLatitude { get; private set; }
    public double SumLongitude { get; private set; }
    /// <summary>Sum of the heat feed's priority weights (P1 4, P2 3, P3 2, P4 1).</summary>
    public long PriorityWeight { get; private set; }
}
