namespace CstPortal.Tests.Infrastructure;

/// <summary>
/// Marks a test class whose <see cref="TestCity"/> lives on PostgreSQL (see Features/OnPostgres.cs): a service test class
/// passes itself to <c>TestCity.CreateAsync(this)</c>, and its PostgreSQL twin is the same class with this marker.
/// </summary>
public interface IOnPostgres;
