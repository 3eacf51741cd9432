using MudBlazor;

namespace CstPortal.Components.Layout;

/// <summary>The city's colours: a calm blue with enough contrast for text on it (WCAG AA).</summary>
public static class CstTheme
{
    public static readonly MudTheme Theme = new()
    {
        PaletteLight = new PaletteLight
        {
            Primary = "#1e5aa8",
            Secondary = "#0f766e",
            AppbarBackground = "#1e5aa8",
            Success = "#1b7f3b",
            Warning = "#a15c00",
            Error = "#b3261e",
            Info = "#1565c0", // MudBlazor's default blue is below 4.5:1 under white text
        },
    };
}
