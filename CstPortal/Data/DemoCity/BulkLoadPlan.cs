using System.Collections;
using CstPortal.Features.Requests;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CstPortal.Data.DemoCity;

/// <summary>
/// What the demo-city bulk loaders (<see cref="SqliteBulkLoader"/>, <see cref="PostgresBulkLoader"/>) write for a
/// generated request, read from the EF model so both follow schema changes: the request's table, the tables of the
/// children it owns through its navigations (history, answers, comments ... rating), the tables of the extra rows that go
/// with it (its past SLA escalations), and for each table the columns and the values as the provider stores them.
/// The request's key is the generator's; a child's or an extra row's own generated key is left to the database.
/// </summary>
internal sealed class BulkLoadPlan
{
    /// <summary>The types whose rows come through the loader's <c>extras</c> (keys to other rows set, own key not).</summary>
    private static readonly Type[] ExtraTypes = [typeof(Features.Sla.SlaEscalation)];

    public BulkTable Root { get; }
    public IReadOnlyList<(INavigation Navigation, BulkTable Table)> Children { get; }
    public IReadOnlyDictionary<Type, BulkTable> Extras { get; }

    /// <summary>Every table the load writes, the request's first.</summary>
    public IReadOnlyList<BulkTable> Tables { get; }
    public IReadOnlyList<string> TableNames => [.. Tables.Select(t => t.Name).Distinct()];

    public BulkLoadPlan(IModel model)
    {
        var root = model.FindEntityType(typeof(ServiceRequest))!;
        Root = new BulkTable(root, parentKey: null, ownKey: true);
        Children = [.. root.GetNavigations().Where(n => !n.IsOnDependent)
            .Select(n => (n, new BulkTable(n.TargetEntityType, n.ForeignKey, ownKey: false)))];
        Extras = ExtraTypes.Select(t => model.FindEntityType(t)!).ToDictionary(t => t.ClrType, t => new BulkTable(t, parentKey: null, ownKey: false));
        Tables = [.. Children.Select(c => c.Table).Prepend(Root).Concat(Extras.Values)];
    }

    /// <summary>Hands <paramref name="write"/> the request's row, then each child's (with the request's id), then each extra row.</summary>
    public void Rows(ServiceRequest request, IEnumerable<object> extras, Action<BulkTable, object, int?> write)
    {
        write(Root, request, null);
        foreach (var (navigation, table) in Children)
        {
            switch (navigation.GetGetter().GetClrValueUsingContainingEntity(request))
            {
                case null: break;
                case IEnumerable many: foreach (var child in many) write(table, child, request.Id); break;
                case var one: write(table, one, request.Id); break;
            }
        }
        foreach (var extra in extras) write(Extras[extra.GetType()], extra, null);
    }
}

/// <summary>One table of a bulk load: its columns in order, and how to read a row's values for them.</summary>
internal sealed class BulkTable
{
    public string Name { get; }
    public IReadOnlyList<BulkColumn> Columns { get; }

    /// <param name="parentKey">For a child: the foreign key to the request, filled from the request's id (a shadow property).</param>
    /// <param name="ownKey">False: a generated primary key is left out, for the database to assign.</param>
    public BulkTable(IEntityType type, IForeignKey? parentKey, bool ownKey)
    {
        Name = type.GetTableName()!;
        Columns = [.. type.GetProperties()
            .Where(p => !p.IsShadowProperty() || parentKey?.Properties.Contains(p) == true)
            .Where(p => ownKey || !(p.IsPrimaryKey() && p.ValueGenerated != ValueGenerated.Never))
            .Select(p => new BulkColumn(p.GetColumnName(), p.IsShadowProperty() ? null : p.GetGetter(), p.GetTypeMapping().Converter,
                parentKey?.Properties.Contains(p) == true))];
    }

    /// <summary>The row's values as the provider stores them (value converters applied; null for NULL), in column order.</summary>
    public void Read(object entity, int? parentId, object?[] values)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            var column = Columns[i];
            var value = column.IsParentKey ? parentId : column.Getter!.GetClrValueUsingContainingEntity(entity);
            if (value is not null && column.Converter is not null) value = column.Converter.ConvertToProvider(value);
            values[i] = value;
        }
    }
}

/// <param name="Getter">Null for the parent key, which is a shadow property.</param>
internal sealed record BulkColumn(string Name, IClrPropertyGetter? Getter, ValueConverter? Converter, bool IsParentKey);
