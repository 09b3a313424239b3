/** Small line icons drawn in currentColor, 16 px by default; decorative (labels carry the meaning). */
import type { ReactNode } from 'react';

function Icon({ children, size = 16 }: { children: ReactNode; size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 16 16" fill="none" stroke="currentColor" strokeWidth="1.5" strokeLinecap="round" strokeLinejoin="round" aria-hidden="true" focusable="false">
      {children}
    </svg>
  );
}

export const UndoIcon = () => (
  <Icon>
    <path d="M5.5 4 2.5 7l3 3" />
    <path d="M2.5 7h7a4 4 0 0 1 0 8H7" />
  </Icon>
);

export const RedoIcon = () => (
  <Icon>
    <path d="M10.5 4l3 3-3 3" />
    <path d="M13.5 7h-7a4 4 0 0 0 0 8H9" />
  </Icon>
);

export const CloseIcon = () => (
  <Icon size={14}>
    <path d="M4 4l8 8M12 4l-8 8" />
  </Icon>
);

export const SearchIcon = () => (
  <Icon size={14}>
    <circle cx="7" cy="7" r="4.5" />
    <path d="M10.5 10.5 14 14" />
  </Icon>
);

export const ChevronDownIcon = () => (
  <Icon size={12}>
    <path d="M4 6l4 4 4-4" />
  </Icon>
);

export const GlobeIcon = () => (
  <Icon size={14}>
    <circle cx="8" cy="8" r="6" />
    <path d="M2 8h12M8 2c2 2 2 10 0 12M8 2c-2 2-2 10 0 12" />
  </Icon>
);

export const ErrorIcon = () => (
  <Icon size={14}>
    <circle cx="8" cy="8" r="6" />
    <path d="M8 5v3.5M8 11h0" />
  </Icon>
);

export const WarningIcon = () => (
  <Icon size={14}>
    <path d="M8 2.5 14 13H2L8 2.5z" />
    <path d="M8 6.5v3M8 11.3h0" />
  </Icon>
);

/** A falling curve on axes: training and its loss. */
export const TrainingIcon = () => (
  <Icon size={14}>
    <path d="M2.5 2.5v11h11" />
    <path d="M4.5 4.5c1.5 4 3 6 8 6.5" />
  </Icon>
);

/** The same cell repeated over time steps. */
export const UnrolledIcon = () => (
  <Icon size={14}>
    <rect x="1.5" y="5.5" width="3.5" height="5" rx="1" />
    <rect x="6.25" y="5.5" width="3.5" height="5" rx="1" />
    <rect x="11" y="5.5" width="3.5" height="5" rx="1" />
  </Icon>
);

/** Blocks to pick from. */
export const PaletteIcon = () => (
  <Icon size={14}>
    <rect x="2" y="2" width="5" height="5" rx="1" />
    <rect x="9" y="2" width="5" height="5" rx="1" />
    <rect x="2" y="9" width="5" height="5" rx="1" />
    <rect x="9" y="9" width="5" height="5" rx="1" />
  </Icon>
);

/** Settings of the selected block. */
export const InspectorIcon = () => (
  <Icon size={14}>
    <path d="M2.5 4.5h11M2.5 8h11M2.5 11.5h11" />
    <circle cx="5.5" cy="4.5" r="1.25" />
    <circle cx="10.5" cy="8" r="1.25" />
    <circle cx="7" cy="11.5" r="1.25" />
  </Icon>
);
