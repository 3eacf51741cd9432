namespace CstPortal.Tests.Infrastructure;

/// <summary>Waits for a condition that background work makes true (polls; never a fixed sleep).</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException($"The condition did not become true within {timeout}.");
            await Task.Yield();
            await Task.Delay(50);
        }
    }
}
