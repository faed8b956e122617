/**
 * A dialog's choices. ink-select-input draws them, but does not take the keys: its own input
 * handler acts on the index of its last render, so Down+Enter arriving within a few milliseconds
 * (one SSH chunk, a fast typist) selects the item it was on before. Keys go through the console's
 * key layer and list reducer instead (see state/resolve-key.ts), which SelectInput then shows.
 */
import {Box} from 'ink';
import {Text} from './SafeText.js';
import SelectInput from 'ink-select-input';
import {useList} from '../hooks/use-list.js';
import {dialogChoices} from '../state/dialog-choices.js';
import {useUiState} from '../state/ui-context.js';
import {SYMBOLS} from '../theme/symbols.js';
import {useTone} from '../theme/tone.js';

function Indicator({isSelected = false}: {isSelected?: boolean}) {
  const tone = useTone();
  return (
    <Box marginRight={1}>
      <Text {...(isSelected ? tone('accent') : {})}>{isSelected ? SYMBOLS.cursor : ' '}</Text>
    </Box>
  );
}

function Item({isSelected = false, label}: {isSelected?: boolean; label: string}) {
  const tone = useTone();
  return <Text {...(isSelected ? tone('accent') : {})}>{label}</Text>;
}

export function Menu() {
  const state = useUiState();
  const choices = dialogChoices(state.dialog);
  const list = useList('menu', choices.length);
  const cursor = Math.max(0, list.cursorRow);
  return (
    <SelectInput
      key={`${choices.map((c) => c.id).join()}:${cursor}`}
      isFocused={false}
      initialIndex={cursor}
      items={choices.map((c) => ({key: c.id, label: c.label, value: c.id}))}
      indicatorComponent={Indicator}
      itemComponent={Item}
    />
  );
}
